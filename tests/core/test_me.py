"""GET /api/v1/me/ tells the caller who they are."""

import pytest

from tests.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_gets_401_in_the_envelope(api_client):
    response = api_client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response.has_header("WWW-Authenticate")


def test_a_back_office_user_sees_their_roles(api_client):
    staff = StaffUserFactory(username="ops1", first_name="Haruto", last_name="Sato", groups=["operations"])
    api_client.force_login(staff)

    response = api_client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response.json() == {
        "kind": "user",
        "username": "ops1",
        "display_name": "Haruto Sato",
        "dealer": None,
        "partner": None,
        "roles": ["operations"],
        "is_staff": True,
        "language": "en",
    }


def test_language_follows_the_request(api_client):
    api_client.force_login(UserFactory())

    assert api_client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="ja").json()["language"] == "ja"


def test_session_writes_need_csrf(client):
    from rest_framework.test import APIClient

    csrf_client = APIClient(enforce_csrf_checks=True)
    csrf_client.force_login(UserFactory())

    response = csrf_client.post("/api/v1/me/", {}, format="json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
