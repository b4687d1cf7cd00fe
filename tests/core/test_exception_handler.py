"""Every API error leaves in the envelope {"error": {"code", "message", "fields"}}."""

import pytest

pytestmark = pytest.mark.urls("tests.core.error_urls")


@pytest.mark.parametrize(
    ("url", "status", "code", "message", "fields"),
    [
        ("/conflict/", 409, "conflict", "Order is already confirmed.", {}),
        ("/not-found/", 404, "not_found", "Not found.", {}),
        ("/app-validation/", 400, "invalid", "Bad VIN.", {"vin": ["Bad check digit."]}),
        (
            "/django-validation/",
            400,
            "invalid",
            "The request is not valid.",
            {"color": ["Not offered on this trim."]},
        ),
        ("/django-404/", 404, "not_found", "Not found.", {}),
        ("/django-403/", 403, "permission_denied", "You do not have permission to perform this action.", {}),
        ("/serializer/", 422, "unprocessable", "The request could not be processed.", {}),
    ],
)
def test_errors_share_one_envelope(api_client, url, status, code, message, fields):
    response = api_client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == status
    assert response.json() == {"error": {"code": code, "message": message, "fields": fields}}


def test_serializer_errors_name_each_field_with_nested_paths(api_client):
    response = api_client.post(
        "/serializer/",
        {"vin": "X" * 18, "options": ["OK", "TOOLONG"]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "invalid",
            "message": "The request is not valid.",
            "fields": {
                "vin": ["Ensure this field has no more than 17 characters."],
                "options.1": ["Ensure this field has no more than 3 characters."],
            },
        }
    }


def test_malformed_json_is_a_400_in_the_envelope(api_client):
    response = api_client.post(
        "/serializer/", data="{not json", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "invalid",
            "message": "JSON parse error - "
            "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
            "fields": {},
        }
    }


def test_messages_follow_the_callers_language(api_client):
    response = api_client.get("/not-found/", HTTP_ACCEPT_LANGUAGE="ja")

    assert response.json() == {"error": {"code": "not_found", "message": "見つかりません。", "fields": {}}}


def test_an_unexpected_exception_is_not_swallowed(api_client):
    api_client.raise_request_exception = True
    with pytest.raises(RuntimeError, match="bug"):
        api_client.get("/boom/")
