"""A dependency that is down answers 503 with Retry-After within seconds: never a 500, never a hang.

In process: each kind of outage error, raised in a DRF view under /api/ and in a portal page,
answers the 503 envelope or the 503 page and is still logged. Against a real server (the
Procfile's gunicorn with PostgreSQL at a port nothing listens on, and a Redis that accepts
connections but never answers): how long each answer takes. Those need psycopg installed, not a
running PostgreSQL, so they run on every database.
"""

import logging
import re
import time
from types import SimpleNamespace

import psycopg
import pytest
from django.db.utils import DatabaseErrorWrapper, IntegrityError, OperationalError, ProgrammingError
from psycopg_pool import PoolTimeout
from rest_framework.test import APIClient

from core.api.fallback import dependency_outage
from tests.core.error_urls import OUTAGES
from tests.servers import blackhole, free_port, gunicorn_server, procfile_command

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
# A dealer key's shape: the prefix is looked up in the database (nothing is cached yet).
SOME_DEALER_KEY = {"Authorization": "Api-Key dAbC1234.not-a-real-secret"}
# A session cookie of a valid shape: the session is read from the database.
SOME_SESSION = {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"}
# A loaded two-core CI machine may be slow; the defaults answer in about 2 s (the pool's timeout).
BOUND_503 = 5.0
BOUND_READYZ = 3.0


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


@pytest.mark.django_db
def test_readyz_gives_up_on_a_redis_that_accepts_but_never_answers(client, settings):
    with blackhole() as port:
        settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
        started = time.monotonic()
        response = client.get("/readyz")
        seconds = time.monotonic() - started

    print(f"/readyz with Redis blackholed (in process): {seconds:.2f} s")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "redis": "error: TimeoutError"}
    assert seconds < 1.5


# --- A real server: the Procfile's gunicorn with PostgreSQL down ------------------------------------


@pytest.fixture(scope="module")
def postgres_down():
    """Nothing listens on the port: every connection attempt is refused."""
    return f"postgres://postgres@127.0.0.1:{free_port()}/importorders"


@pytest.fixture(scope="module")
def server(postgres_down):
    with gunicorn_server(DATABASE_URL=postgres_down) as running:
        yield running


def test_with_postgres_down_an_api_request_answers_the_503_envelope_within_seconds(server):
    answer = server.get("/api/v1/catalog/models/", {**SOME_DEALER_KEY, "Accept-Language": "en"})

    print(f"/api/v1/ with PostgreSQL down: {answer.status} in {answer.seconds:.2f} s")
    assert answer.status == 503
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.headers["Retry-After"] == "5"
    assert answer.json() == UNAVAILABLE_EN
    assert answer.seconds < BOUND_503


@pytest.mark.parametrize("path", ["/", "/admin/"])
def test_with_postgres_down_a_signed_in_page_answers_the_503_page_within_seconds(server, path):
    answer = server.get(path, SOME_SESSION)

    print(f"{path} with PostgreSQL down: {answer.status} in {answer.seconds:.2f} s")
    assert answer.status == 503
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert answer.headers["Retry-After"] == "5"
    assert PAGE_TITLE in answer.body.decode()
    assert answer.seconds < BOUND_503


def test_with_postgres_down_readyz_answers_503_quickly_and_healthz_200(server):
    ready = server.get("/readyz")
    health = server.get("/healthz")

    print(f"/readyz with PostgreSQL down: {ready.status} in {ready.seconds:.2f} s")
    assert ready.status == 503
    assert ready.json()["status"] == "unavailable"
    assert ready.json()["checks"]["database"].startswith("error: ")
    assert ready.seconds < BOUND_READYZ
    assert (health.status, health.json()) == (200, {"status": "ok"})
    assert health.seconds < 1.0


def test_readyz_answers_quickly_when_postgres_is_down_and_redis_never_answers(postgres_down):
    with (
        blackhole() as port,
        gunicorn_server(DATABASE_URL=postgres_down, REDIS_URL=f"redis://127.0.0.1:{port}/0") as both_down,
    ):
        ready = both_down.get("/readyz")

    print(f"/readyz with PostgreSQL down and Redis blackholed: {ready.status} in {ready.seconds:.2f} s")
    assert ready.status == 503
    checks = ready.json()["checks"]
    assert checks["database"].startswith("error: ")
    assert checks["redis"] == "error: TimeoutError"
    assert ready.seconds < BOUND_READYZ


# --- The front server's limits (docs/api.md, "Limits") ----------------------------------------------


def _request_line_limit() -> int:
    match = re.search(r"--limit-request-line (\d+)", procfile_command("web"))
    assert match, "the Procfile sets gunicorn's --limit-request-line"
    return int(match.group(1))


def test_the_procfile_allows_gunicorns_longest_request_line():
    assert _request_line_limit() == 8190  # gunicorn's maximum


def test_a_request_line_at_the_limit_reaches_django_and_one_byte_more_does_not(server):
    limit = _request_line_limit()
    frame = len("GET ") + len(" HTTP/1.1")

    def path_of(length: int) -> str:  # a request line of exactly `length` bytes
        return "/api/v1/" + "x" * (length - frame - len("/api/v1//")) + "/"

    at_limit = server.get(path_of(limit), {"Accept-Language": "en"})
    over = server.get(path_of(limit + 1), {"Accept-Language": "en"})

    assert at_limit.status == 404  # Django's answer: the envelope
    assert at_limit.json() == {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}
    assert over.status == 414  # gunicorn's own page (URI Too Long), before Django
    assert over.headers["Content-Type"].startswith("text/html")
    assert b"Request Line is too large" in over.body
