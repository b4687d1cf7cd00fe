"""Cheap inputs that used to answer 500 or HTML under /api/: each answers the envelope and writes nothing."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import FxRate
from importorders.models import Dealer
from tests.catalog.conftest import camry  # noqa: F401  (the Camry world, for pages that price a build)
from tests.permissions import UNAUTHENTICATED_BODY

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


# --- NUL characters: never valid anywhere, and a 500 on PostgreSQL once one reaches a query ---------

NUL_REFUSED_EN = {
    "error": {
        "code": "bad_request",
        "message": "The request contains a NUL character, which is never valid.",
        "fields": {},
    }
}


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/catalog/models/%00/"),
        ("get", "/catalog/trims/%00/configure/"),
        ("post", "/catalog/trims/%00/configure/check/"),
        ("get", "/catalog/trims/%00/quote/"),
        ("get", "/catalog/trims/CAMRY-26-XSE%00/quote/"),
        ("get", "/catalog/compare/?trims=CAMRY-26-XSE&trims=%00"),
        ("get", "/catalog/trims/CAMRY-26-XSE/configure/?color=%00"),
        ("get", "/catalog/trims/CAMRY-26-XSE/quote/?color=089&options=%00"),
        ("get", "/catalog/?anything=%00"),
        ("get", "/admin/catalog/trim/?q=%00"),
    ],
)
@pytest.mark.parametrize("caller", ["dealer_sales", "operations", "anonymous"])
@pytest.mark.usefixtures("camry")
def test_a_nul_in_a_portal_address_is_the_400_page_and_changes_nothing(client, world, method, url, caller):
    if caller != "anonymous":
        client.force_login(world.users[caller])
    before = _unchanged()

    response = getattr(client, method)(url)

    assert response.status_code == 400
    assert "<title>400 · importorders</title>" in response.content.decode()
    assert _unchanged() == before


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/catalog/models/%00/",
        "/api/v1/catalog/trims/?model=%00",
        "/api/v1/catalog/trims/?page_size=%00",
        "/api/v1/dealers/?prefecture=13&active=%00",
        "/api/v1/me/?%00",
    ],
)
@pytest.mark.parametrize("caller", ["dealer_key", "operations", "anonymous"])
def test_a_nul_in_an_api_address_is_the_400_envelope(world, url, caller):
    response = world.client(caller).get(url)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == NUL_REFUSED_EN


def test_the_nul_refusal_speaks_the_callers_language(world):
    client = world.client("dealer_key")

    response = client.get("/api/v1/catalog/trims/?model=%00", HTTP_ACCEPT_LANGUAGE="ja")

    assert (
        response.json()["error"]["message"]
        == "リクエストにNUL文字が含まれています。NUL文字は使用できません。"
    )


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/catalog/trims/CAMRY-26-XSE/configure/check/", "color=089&options=%00"),
        ("/catalog/trims/CAMRY-26-XSE/configure/check/", "color=%00"),
        ("/login/", "username=tky-sales&password=%00"),
    ],
)
@pytest.mark.usefixtures("camry")
def test_a_nul_in_a_posted_form_is_the_400_page_and_changes_nothing(client, world, url, body):
    client.force_login(world.users["dealer_sales"])
    before = _unchanged()

    response = client.post(
        url, body, content_type="application/x-www-form-urlencoded", HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 400
    assert "<title>400 · importorders</title>" in response.content.decode()
    assert _unchanged() == before


@pytest.mark.usefixtures("camry")
def test_a_nul_in_an_uploaded_forms_code_list_is_named_like_any_bad_code(client, world):
    # A multipart form is not read by the middleware (uploads may hold any byte): the field refuses it.
    client.force_login(world.users["dealer_sales"])
    client.cookies["django_language"] = "ja"

    response = client.post(
        "/catalog/trims/CAMRY-26-XSE/configure/check/",
        {"color": "089", "options": ["PKG-NAV", "\x00"]},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200  # htmx swaps only 200s: the refusal is the answer
    assert "NUL文字は使用できません。" in response.content.decode()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"trim": "\x00", "color": "089"}, "trim"),
        ({"trim": "CAMRY-26-XSE", "color": "089\x00"}, "color"),
        ({"trim": "CAMRY-26-XSE", "color": "089", "options": ["PKG-NAV", "\x00"]}, "options.1"),
        ({"trim": "CAMRY-26-XSE", "color": "089", "on_date": "2026-11-24\x00"}, "on_date"),
    ],
)
@pytest.mark.usefixtures("camry")
def test_a_nul_in_a_json_string_is_a_400_naming_the_field(world, payload, field):
    before = _unchanged()

    response = world.client("dealer_key").post("/api/v1/catalog/quote/", payload, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert list(response.json()["error"]["fields"]) == [field]
    assert _unchanged() == before


def test_a_nul_in_a_dealer_change_is_a_400_and_writes_nothing(world):
    before = _unchanged()

    response = world.client("operations").patch(
        f"/api/v1/dealers/{world.dealer.code}/",
        {"name_en": "Tokyo\x00", "prefecture": "\x00", "active": "\x00"},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"name_en", "prefecture", "active"}
    assert _unchanged() == before


@pytest.mark.parametrize("session_key", ["\x00" * 32, "abc\x00defgh", "é" * 32, "a" * 41])
def test_a_session_cookie_that_cannot_be_a_session_key_is_no_session(client, world, session_key):
    # A quoted cookie may carry "\000" (a NUL once parsed): it is looked up nowhere.
    client.cookies["sessionid"] = session_key

    assert client.get("/catalog/").status_code == 302
    assert client.get("/api/v1/me/").status_code == 401


@pytest.mark.parametrize(
    "key", ["d\x00AAAAAA.secret", "dÄÄÄÄÄÄÄ.secret", "d%00AAAAA.secret", "d AAAAAA.secret"]
)
def test_an_api_key_whose_prefix_cannot_be_one_is_the_uniform_401(api_client, db, key):
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")

    response = api_client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED_BODY


@pytest.mark.parametrize(
    "url",
    [
        "/catalog/models/%FF/",
        "/catalog/models/a%20b/",
        "/catalog/models/-CAMRY/",
        "/catalog/trims/" + "X" * 41 + "/quote/",
        "/catalog/trims/..%2F..%2Fadmin/configure/",
    ],
)
@pytest.mark.usefixtures("camry")
def test_a_path_code_no_code_can_be_is_the_sites_404_without_a_catalog_query(client, world, url):
    client.force_login(world.users["dealer_sales"])

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 404
    assert "見つかりません" in response.content.decode()
    assert [q["sql"] for q in queries if '"catalog_' in q["sql"]] == []
