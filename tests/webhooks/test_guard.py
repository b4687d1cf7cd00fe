"""The SSRF guard: refused on save (400 with a clear code) and again at send time after resolving."""

from __future__ import annotations

import socket

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import transaction
from django.utils import translation

from core.errors import ValidationFailed
from tests.webhooks.conftest import make_endpoint
from tests.webhooks.receiver import webhook_receiver
from webhooks.guard import address_is_public
from webhooks.models import WebhookAttempt, WebhookEndpoint
from webhooks.services.outbox import outbox_write

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 - the address under test
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2001:db8::1",
    ],
)
def test_non_public_addresses_are_refused(address):
    assert address_is_public(address) is False


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address):
    assert address_is_public(address) is True


def _fake_dns(monkeypatch, answer: str):
    def getaddrinfo(host, port, *args, **kwargs):
        family = socket.AF_INET6 if ":" in answer else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (answer, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://hooks.example.com/x",
        "file:///etc/passwd",
        "http://127.0.0.1/hooks",
        "http://[::1]/hooks",
        "http://[::ffff:127.0.0.1]/hooks",
        "http://user:pw@hooks.example.com/x",
    ],
)
def test_save_refuses_urls_that_are_not_public_http(world, url, monkeypatch):
    if "example.com" in url:
        _fake_dns(monkeypatch, "93.184.215.14")
    with pytest.raises(ValidationFailed) as refused:
        make_endpoint(world, url)
    assert refused.value.code == "webhook_url_refused"
    assert "url" in refused.value.fields
    assert not WebhookEndpoint.objects.exists()


def test_save_refuses_a_name_that_resolves_to_loopback(world, monkeypatch):
    _fake_dns(monkeypatch, "127.0.0.1")
    with pytest.raises(ValidationFailed) as refused:
        make_endpoint(world, "https://hooks.example.com/in")
    assert refused.value.details == [{"code": "webhook_url_refused", "reason": "private"}]


def test_send_refuses_a_name_that_resolves_to_loopback_since_it_was_saved(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    with webhook_receiver() as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        _fake_dns(monkeypatch, "93.184.215.14")
        endpoint = make_endpoint(world, f"http://hooks.example.com:{port}/hooks")
        _fake_dns(monkeypatch, "127.0.0.1")  # the name now points inside
        # In whatever language the sender runs, the log names the reason by its code.
        with (
            translation.override("ja"),
            django_capture_on_commit_callbacks(execute=True),
            transaction.atomic(),
        ):
            outbox_write(endpoints=[endpoint], event_type="webhook.test", data={})
    assert receiver.requests == []
    (attempt,) = WebhookAttempt.objects.all()
    assert attempt.response_status is None
    assert attempt.error.startswith("url_refused (private): ")


def test_with_the_guard_opened_the_resolved_address_is_the_one_connected_to(
    world, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    with webhook_receiver() as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        _fake_dns(monkeypatch, "127.0.0.1")
        endpoint = make_endpoint(world, f"http://hooks.example.com:{port}/hooks")
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            outbox_write(endpoints=[endpoint], event_type="webhook.test", data={})
    ((headers, _body),) = receiver.requests
    assert headers["host"] == f"hooks.example.com:{port}"


def test_deploy_check_fails_while_the_guard_is_open(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    with pytest.raises(SystemCheckError, match=r"webhooks\.E001"):
        call_command("check", "--deploy", "--tag", "security")
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    call_command("check", "--tag", "security")
