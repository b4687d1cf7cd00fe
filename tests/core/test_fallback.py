"""Crashes and CSRF failures: the envelope under /api/, the portal's pages elsewhere.

DEBUG is off in tests, so Django's handlers answer as in production; the test client re-raises a
view's exception unless told not to (`raise_request_exception=False`).
"""

import logging

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import UserFactory

CSRF_SECRET = "k" * 32  # a well-formed CSRF secret (32 letters or digits)
SERVER_ERROR_EN = {
    "error": {"code": "server_error", "message": "Something went wrong on our side.", "fields": {}}
}


@pytest.fixture
def crash_client():
    return APIClient(raise_request_exception=False)


@pytest.mark.urls("tests.core.error_urls")
@pytest.mark.parametrize("url", ["/api/boom/", "/api/plain/"])
def test_a_crash_under_api_answers_the_500_envelope_and_is_logged(crash_client, caplog, url):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = crash_client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == SERVER_ERROR_EN
    assert "Content-Security-Policy" not in response
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("ERROR", f"Internal Server Error: {url}")
    ]
    assert caplog.records[0].exc_info[0] is RuntimeError


@pytest.mark.urls("tests.core.error_urls")
def test_the_500_message_follows_the_callers_language(crash_client):
    response = crash_client.get("/api/boom/", HTTP_ACCEPT_LANGUAGE="ja")

    assert response.json() == {
        "error": {"code": "server_error", "message": "システム側でエラーが発生しました。", "fields": {}}
    }


@pytest.mark.urls("tests.core.error_urls")
def test_a_crash_on_a_portal_page_answers_the_500_page(crash_client):
    response = crash_client.get("/portal/boom/")

    assert response.status_code == 500
    assert response["Content-Type"] == "text/html; charset=utf-8"
    body = response.content.decode()
    assert "<title>500 · importorders</title>" in body
    assert "エラーが発生しました / Something went wrong" in body
    assert "server_error" not in body


@pytest.mark.urls("tests.core.error_urls")
def test_a_crash_outside_api_in_a_drf_view_is_the_page_too(crash_client):
    """The envelope is chosen by the path, not by the kind of view."""
    response = crash_client.get("/boom/")

    assert response.status_code == 500
    assert response["Content-Type"] == "text/html; charset=utf-8"


# --- CSRF -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_session_post_without_a_csrf_cookie_is_refused_in_the_envelope(world):
    client = APIClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.users["dealer_manager"])
    before = world.dealer.phone

    response = client.patch("/api/v1/dealers/TKY001/", {"phone": "03-0000-0000"}, format="json")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": {"code": "permission_denied", "message": "CSRF Failed: CSRF cookie not set.", "fields": {}}
    }
    world.dealer.refresh_from_db()
    assert world.dealer.phone == before


@pytest.mark.django_db
def test_a_session_post_with_the_cookie_but_no_token_is_refused_in_the_envelope(world):
    client = APIClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.users["dealer_sales"])
    client.cookies["csrftoken"] = CSRF_SECRET  # as a browser holds it after any portal page

    response = client.post(
        "/api/v1/catalog/quote/", {"trim": "X", "color": "Y", "options": []}, format="json"
    )

    assert response.status_code == 403
    assert response.json() == {
        "error": {"code": "permission_denied", "message": "CSRF Failed: CSRF token missing.", "fields": {}}
    }


@pytest.mark.django_db
def test_a_session_post_with_the_token_passes_the_csrf_check(world):
    client = APIClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.users["dealer_sales"])
    client.cookies["csrftoken"] = CSRF_SECRET

    response = client.post(
        "/api/v1/catalog/quote/",
        {"trim": "X", "color": "Y", "options": []},
        format="json",
        HTTP_X_CSRFTOKEN=CSRF_SECRET,
    )

    # Past the CSRF check, the quote itself refuses the trim.
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unknown_trim"


@pytest.mark.django_db
@pytest.mark.urls("tests.core.error_urls")
def test_the_csrf_middleware_refuses_in_the_envelope_under_api():
    """A plain Django view under /api/ is guarded by CsrfViewMiddleware: CSRF_FAILURE_VIEW answers."""
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(username="tanaka"))

    response = client.post("/api/plain/", {"x": "1"})

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": {
            "code": "permission_denied",
            "message": "CSRF check failed: CSRF cookie not set.",
            "fields": {},
        }
    }


@pytest.mark.django_db
@pytest.mark.urls("tests.core.error_urls")
def test_the_csrf_middleware_refuses_with_djangos_page_elsewhere():
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(username="tanaka"))

    response = client.post("/portal/boom/", {"x": "1"})

    assert response.status_code == 403
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "CSRF verification failed. Request aborted." in response.content.decode()
