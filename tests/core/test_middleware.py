"""The content security policy is sent with documents, not with JSON."""

import pytest

pytestmark = pytest.mark.django_db


def test_pages_carry_the_policy(client):
    response = client.get("/login/")

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_json_responses_do_not(client):
    assert "Content-Security-Policy" not in client.get("/healthz")
    assert "Content-Security-Policy" not in client.get("/api/v1/me/")
