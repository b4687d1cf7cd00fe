"""A dependency that is down answers 503 with Retry-After: never a 500.

Each kind of outage error, raised in a DRF view under /api/ and in a portal page, answers the 503
envelope or the 503 page and is still logged.
"""

import logging
from types import SimpleNamespace

import psycopg
import pytest
from django.db.utils import DatabaseErrorWrapper, IntegrityError, OperationalError, ProgrammingError
from psycopg_pool import PoolTimeout
from rest_framework.test import APIClient

from core.api.fallback import dependency_outage
from tests.core.error_urls import OUTAGES

UNAVAILABLE_EN = {
    "error": {
        "code": "unavailable",
        "message": "The service is temporarily unavailable. Try again in a few seconds.",
        "fields": {},
    }
}
PAGE_TITLE = "<title>503 · importorders</title>"
PAGE_JA = "サービスが一時的に利用できません"
PAGE_EN = "The service is temporarily unavailable"


# --- What counts as an outage -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(OUTAGES))
def test_database_and_redis_failures_are_outages(kind):
    assert dependency_outage(OUTAGES[kind]())


def test_an_error_raised_from_an_outage_is_an_outage():
    wrapped = RuntimeError("could not queue the task")
    wrapped.__cause__ = OUTAGES["redis-connection"]()  # raise RuntimeError(...) from exc

    assert dependency_outage(wrapped)


@pytest.mark.parametrize(
    "exc",
    [
        None,
        RuntimeError("bug"),
        IntegrityError("duplicate key value"),
        ProgrammingError("column does not exist"),
        KeyError("x"),
    ],
)
def test_bugs_and_refused_writes_are_not_outages(exc):
    assert not dependency_outage(exc)


def test_a_bug_while_handling_an_outage_is_not_one():
    """Only an explicit `raise ... from` links the two; a bug in an except block stays a bug."""
    bug = RuntimeError("bug in the handler")
    bug.__context__ = OUTAGES["database"]()  # raised inside `except OperationalError:`

    assert not dependency_outage(bug)


def test_a_pool_timeout_reaches_us_as_djangos_operational_error():
    """psycopg_pool raises PoolTimeout; Django's error wrapper (as on a PostgreSQL connection) maps it."""
    postgres_like = SimpleNamespace(Database=psycopg, errors_occurred=False)

    with pytest.raises(OperationalError) as caught, DatabaseErrorWrapper(postgres_like):
        raise PoolTimeout("couldn't get a connection after 2.00 sec")

    assert isinstance(caught.value.__cause__, PoolTimeout)
    assert dependency_outage(caught.value)


# --- In process: each outage through the handlers -------------------------------------------------


@pytest.fixture
def crash_client():
    return APIClient(raise_request_exception=False)


@pytest.mark.urls("tests.core.error_urls")
@pytest.mark.parametrize("kind", sorted(OUTAGES))
def test_an_outage_under_api_answers_the_503_envelope_with_retry_after(crash_client, kind):
    response = crash_client.get(f"/api/down/{kind}/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "5"
    assert response.json() == UNAVAILABLE_EN


@pytest.mark.urls("tests.core.error_urls")
def test_the_503_message_follows_the_callers_language(crash_client):
    response = crash_client.get("/api/down/database/", HTTP_ACCEPT_LANGUAGE="ja")

    assert response.json()["error"] == {
        "code": "unavailable",
        "message": "サービスが一時的に利用できません。数秒後にもう一度お試しください。",
        "fields": {},
    }


@pytest.mark.urls("tests.core.error_urls")
@pytest.mark.parametrize("kind", sorted(OUTAGES))
def test_an_outage_on_a_page_answers_the_503_page_with_retry_after(crash_client, kind):
    response = crash_client.get(f"/portal/down/{kind}/")

    assert response.status_code == 503
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Retry-After"] == "5"
    body = response.content.decode()
    assert PAGE_TITLE in body
    assert '<html lang="ja">' in body
    assert f"<h1>{PAGE_JA}</h1>" in body


@pytest.mark.urls("tests.core.error_urls")
def test_the_503_page_follows_the_callers_language(crash_client):
    body = crash_client.get("/portal/down/database/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="en">' in body
    assert f"<h1>{PAGE_EN}</h1>" in body


@pytest.mark.urls("tests.core.error_urls")
@pytest.mark.parametrize("url", ["/api/down/database/", "/portal/down/shared-cache/"])
def test_an_outage_is_still_logged_with_its_traceback(crash_client, caplog, url):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        crash_client.get(url)

    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("ERROR", f"Service Unavailable: {url}")
    ]
    assert caplog.records[0].exc_info[0] in {type(make()) for make in OUTAGES.values()}
