"""The content security policy is sent with documents, not with JSON."""

import pytest

pytestmark = pytest.mark.django_db


def test_pages_carry_the_policy(client):
    response = client.get("/login/")

    # django-csp does not keep the directives' order: compare them as a mapping.
    policy = dict(part.split(" ", 1) for part in response["Content-Security-Policy"].split("; "))
    assert policy == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
        "base-uri": "'self'",
        "object-src": "'none'",
    }


def test_json_responses_do_not(client):
    assert "Content-Security-Policy" not in client.get("/healthz")
    assert "Content-Security-Policy" not in client.get("/api/v1/me/")
