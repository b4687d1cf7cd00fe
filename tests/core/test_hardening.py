"""Cheap inputs that used to answer 500 or HTML under /api/: each answers the envelope and writes nothing."""

import json

import pytest

from catalog.models import FxRate
from importorders.models import Dealer

pytestmark = pytest.mark.django_db


def _unchanged():
    return (list(Dealer.objects.order_by("pk").values()), FxRate.objects.count())


def test_json_nested_a_thousand_levels_deep_is_a_400(world):
    before = _unchanged()
    deep = "[" * 1000 + "]" * 1000

    response = world.client("dealer_key").generic(
        "POST", "/api/v1/catalog/quote/", deep, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": {"code": "invalid", "message": "The JSON body is nested too deeply.", "fields": {}}
    }
    assert _unchanged() == before


def test_a_body_over_the_size_limit_is_a_413_in_the_envelope(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = json.dumps({"trim": "x" * 2000, "color": "089"})

    response = world.client("dealer_key").generic(
        "POST", "/api/v1/catalog/quote/", big, content_type="application/json"
    )

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "too_large"


def test_a_body_over_the_size_limit_is_a_413_page_in_the_portal(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = client.post("/login/", {"username": "x" * 2000, "password": "y"})

    assert response.status_code == 413
    assert "The request is too large" in response.content.decode()


@pytest.mark.parametrize("path", ["/api/v1/dealers/", "/api/v1/catalog/trims/", "/api/v1/catalog/models/"])
def test_a_nul_in_a_cursor_is_a_400_naming_the_parameter(world, path):
    response = world.client("operations").get(f"{path}?cursor=cD0A")  # "p=\x00"

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"cursor": ["Invalid cursor."]}


def test_a_bad_host_header_under_the_api_answers_the_envelope(world):
    client = world.client("dealer_key")
    client.raise_request_exception = False

    response = client.get("/api/v1/me/", HTTP_HOST="bad host!")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "bad_request"


def test_the_throttle_message_is_in_the_callers_language(world, settings, clock):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "dealer_key": "1/minute"}
    clock.set(clock.now().replace(second=15, microsecond=0))
    english, japanese = world.client("dealer_key"), world.client("dealer_key")
    japanese.defaults["HTTP_ACCEPT_LANGUAGE"] = "ja"
    english.get("/api/v1/me/")

    refused_en = english.get("/api/v1/me/")
    refused_ja = japanese.get("/api/v1/me/")

    assert refused_en.status_code == refused_ja.status_code == 429
    assert refused_en.json()["error"]["message"] == "Too many requests. Try again in 45 seconds."
    assert refused_ja.json()["error"]["message"] == "リクエストが多すぎます。45秒後にもう一度お試しください。"


def test_a_deactivated_user_is_not_listed_as_active(world):
    sales = world.users["dealer_sales"]
    sales.is_active = False
    sales.save(update_fields=["is_active"])

    people = world.client("dealer_manager").get(f"/api/v1/dealers/{world.dealer.code}/").json()["people"]

    assert {p["username"]: p["active"] for p in people} == {
        sales.username: False,
        world.users["dealer_manager"].username: True,
    }
