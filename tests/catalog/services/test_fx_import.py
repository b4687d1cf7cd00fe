"""The daily FX import against a real HTTP server serving a bank's published table and a JSON API."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from pathlib import Path

import pytest
from celery.exceptions import Retry
from django.core.cache import cache

from catalog import models as m
from catalog.errors import FxSourceInvalid, FxSourceUnavailable
from catalog.services.fx_import import (
    fx_conflict_accept,
    fx_conflict_dismiss,
    fx_import_fetch,
    parse_japanese_date,
)
from catalog.tasks import FX_IMPORTER, fx_rate_import
from catalog.versioning import VERSION_KEY, catalog_version
from core import clock as core_clock
from core.actors import Actor
from core.errors import Conflict
from tests.catalog import factories as f
from tests.clock import days_ago, today
from tests.factories import StaffUserFactory
from tests.servers import Route, fixture_http_server, free_port

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "fx"
FIXTURE_DAY = dt.date(2026, 12, 1)
SJIS_TABLE = (FIXTURES / "mufg_2026-12-01_sjis.csv").read_bytes()
UTF8_TABLE = (FIXTURES / "mufg_2026-12-01_utf8.csv").read_bytes()
JSON_ANSWER = (FIXTURES / "usd_2026-12-01.json").read_bytes()
ERROR_PAGE = (FIXTURES / "error_page.html").read_bytes()

pytestmark = pytest.mark.django_db


def sjis_table(day: dt.date, usd_ttm: str = "155.23") -> bytes:
    """The published Shift_JIS table, dated `day` (2026年12月1日 style), with the USD TTM given."""
    text = SJIS_TABLE.decode("cp932").replace("2026年12月1日", f"{day.year}年{day.month}月{day.day}日")
    return text.replace('"156.23","154.23","155.23"', f'"156.23","154.23","{usd_ttm}"').encode("cp932")


def utf8_table(day: dt.date) -> bytes:
    return UTF8_TABLE.decode("utf-8").replace("2026/12/01", day.strftime("%Y/%m/%d")).encode("utf-8")


def json_answer(day: dt.date, jpy: str = "155.23", base: str = "USD") -> bytes:
    return f'{{"date": "{day.isoformat()}", "base": "{base}", "rates": {{"JPY": {jpy}}}}}'.encode()


def fetch(base_url: str, path: str, format: str = "bank_csv", on_date: dt.date | None = None):
    return fx_import_fetch(actor=FX_IMPORTER, url=base_url + path, format=format, on_date=on_date)


def stamp() -> str | None:
    return cache.get(VERSION_KEY)


def test_the_published_shift_jis_table_gives_the_usd_ttm_with_its_source_time_and_actor(clock):
    clock.set(dt.datetime(2026, 12, 1, 10, 30, tzinfo=core_clock.JST))  # the day the file is dated
    with fixture_http_server({"/kawase.csv": Route(SJIS_TABLE, "text/csv; charset=Shift_JIS")}) as url:
        result = fetch(url, "/kawase.csv")

    assert result.status == "created"
    rate = m.FxRate.objects.get()
    assert (rate.rate_date, rate.base_currency, rate.quote_currency, rate.rate) == (
        FIXTURE_DAY,
        "USD",
        "JPY",
        Decimal("155.2300"),
    )
    assert rate.source == "MUFG TTM"
    assert rate.source_url == f"{url}/kawase.csv"
    assert rate.fetched_at == core_clock.now()
    assert (rate.actor_kind, rate.actor_ref, rate.actor_user) == ("system", "fx_rate_import", None)
    history = rate.history.get()
    assert (history.history_actor_kind, history.history_actor_ref) == ("system", "fx_rate_import")


def test_the_utf8_table_with_a_slash_date_is_read_on_any_day():
    with fixture_http_server({"/kawase.csv": Route(utf8_table(today()))}) as url:
        result = fetch(url, "/kawase.csv")

    assert (result.status, result.rate_date, result.rate) == ("created", today(), Decimal("155.2300"))


def test_a_json_source_gives_the_jpy_rate():
    with fixture_http_server({"/latest": Route(json_answer(today(), "149.875"), "application/json")}) as url:
        result = fetch(url, "/latest", format="json")

    assert result.status == "created"
    assert m.FxRate.objects.get().rate == Decimal("149.8750")


def test_the_json_fixture_is_read_as_published(clock):
    clock.set(dt.datetime(2026, 12, 1, 10, 30, tzinfo=core_clock.JST))
    with fixture_http_server({"/latest": Route(JSON_ANSWER, "application/json")}) as url:
        fetch(url, "/latest", format="json")

    assert m.FxRate.objects.get().rate == Decimal("155.2300")


def test_fetching_the_same_rate_twice_changes_nothing_and_bumps_the_catalog_once(
    django_capture_on_commit_callbacks,
):
    catalog_version()
    with fixture_http_server({"/kawase.csv": Route(sjis_table(today()))}) as url:
        with django_capture_on_commit_callbacks(execute=True) as bumps:
            first = fetch(url, "/kawase.csv")
        after_first = stamp()
        with django_capture_on_commit_callbacks(execute=True) as none:
            second = fetch(url, "/kawase.csv")

    assert (first.status, second.status) == ("created", "unchanged")
    assert (len(bumps), len(none)) == (1, 0)
    assert stamp() == after_first  # the second fetch wrote nothing, so nothing to bump
    assert m.FxRate.objects.count() == 1
    assert m.FxRate.history.count() == 1
    assert m.FxRateConflict.objects.count() == 0


def test_a_new_rate_bumps_the_catalog_version(django_capture_on_commit_callbacks):
    before = catalog_version()
    with (
        fixture_http_server({"/kawase.csv": Route(sjis_table(today()))}) as url,
        django_capture_on_commit_callbacks(execute=True),
    ):
        fetch(url, "/kawase.csv")

    assert stamp() != before


def test_a_changed_rate_for_a_recorded_date_is_held_for_operations_not_overwritten(
    django_capture_on_commit_callbacks,
):
    f.FxRateFactory(rate_date=today(), rate=Decimal("155.2300"))
    with (
        fixture_http_server({"/kawase.csv": Route(sjis_table(today(), usd_ttm="155.80"))}) as url,
        django_capture_on_commit_callbacks() as bumps,
    ):
        first = fetch(url, "/kawase.csv")
        again = fetch(url, "/kawase.csv")

    assert first.status == again.status == "held"
    assert m.FxRate.objects.get().rate == Decimal("155.2300")
    conflict = m.FxRateConflict.objects.get()  # the same offer twice is one conflict
    assert first.conflict_id == again.conflict_id == conflict.pk
    assert (conflict.kind, conflict.status, conflict.offered_rate, conflict.current_rate) == (
        "changed",
        "open",
        Decimal("155.8000"),
        Decimal("155.2300"),
    )
    assert (conflict.actor_kind, conflict.actor_ref) == ("system", "fx_rate_import")
    assert bumps == []  # the catalog did not change


def test_a_jump_beyond_the_daily_limit_is_held_and_one_within_it_is_written(settings):
    settings.FX_MAX_DAILY_CHANGE_PERCENT = Decimal("5")
    f.FxRateFactory(rate_date=days_ago(1), rate=Decimal("147.0000"))
    with fixture_http_server({"/a.csv": Route(sjis_table(today(), "155.23"))}) as url:
        held = fetch(url, "/a.csv")  # +5.60 %

    assert held.status == "held"
    assert m.FxRateConflict.objects.get().kind == "jump"
    assert not m.FxRate.objects.filter(rate_date=today()).exists()

    with fixture_http_server({"/b.csv": Route(sjis_table(today(), "154.35"))}) as url:
        written = fetch(url, "/b.csv")  # +5.00 %: at the limit, not beyond it

    assert written.status == "created"


REFUSALS = {
    "an HTML maintenance page answered 200": (Route(ERROR_PAGE, "text/html; charset=utf-8"), FxSourceInvalid),
    "an HTML page claiming to be CSV": (Route(ERROR_PAGE, "text/csv"), FxSourceInvalid),
    "404": (Route(b"not here", "text/plain", 404), FxSourceUnavailable),
    "500": (Route(b"oops", "text/plain", 500), FxSourceUnavailable),
    "503": (Route(b"busy", "text/plain", 503), FxSourceUnavailable),
    "a dash for the USD rate": (None, FxSourceInvalid),
    "an absurd rate": (None, FxSourceInvalid),
    "no USD row": (None, FxSourceInvalid),
    "a table without its header": (Route("2026/12/01\r\n米ドル,155.23\r\n".encode("cp932")), FxSourceInvalid),
    "a rate dated tomorrow": (None, FxSourceInvalid),
}


def _refusal_route(case: str) -> Route:
    route, _error = REFUSALS[case]
    if route is not None:
        return route
    table = sjis_table(today()).decode("cp932")
    if case == "a dash for the USD rate":
        table = table.replace('"155.23"', '"\uff0d"')  # a full-width dash: not published
    elif case == "an absurd rate":
        table = table.replace('"155.23"', '"15523"')
    elif case == "no USD row":
        table = "\r\n".join(line for line in table.split("\r\n") if '"USD"' not in line)
    elif case == "a rate dated tomorrow":
        return Route(sjis_table(today() + dt.timedelta(days=1)))
    return Route(table.encode("cp932"))


@pytest.mark.parametrize("case", REFUSALS)
def test_a_source_that_is_not_a_sane_rate_is_refused_and_nothing_is_written(
    case, django_capture_on_commit_callbacks
):
    with (
        fixture_http_server({"/kawase.csv": _refusal_route(case)}) as url,
        django_capture_on_commit_callbacks() as bumps,
        pytest.raises(REFUSALS[case][1]),
    ):
        fetch(url, "/kawase.csv")

    assert m.FxRate.objects.count() == 0
    assert m.FxRateConflict.objects.count() == 0
    assert bumps == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "not JSON"),
        (b'{"date": "2026-12-01", "base": "EUR", "rates": {"JPY": 160.1}}', "EUR"),
        (b'{"date": "2026-12-01", "base": "USD", "rates": {"EUR": 0.95}}', "no JPY"),
        (b'{"date": "2026-12-01", "base": "USD", "rates": {"JPY": "abc"}}', "not a number"),
        (b'{"date": "2026-12-01", "base": "USD", "rates": {"JPY": 1.55}}', "sane range"),
    ],
)
def test_a_json_answer_that_is_not_a_usd_jpy_rate_is_refused(body, message, settings):
    settings.LANGUAGE_CODE = "en"
    with (
        fixture_http_server({"/latest": Route(body, "application/json")}) as url,
        pytest.raises(FxSourceInvalid) as refused,
    ):
        fetch(url, "/latest", format="json", on_date=FIXTURE_DAY)

    assert message in str(refused.value.fields)
    assert m.FxRate.objects.count() == 0


def test_a_source_that_does_not_answer_in_time_is_refused_within_the_timeout(settings):
    settings.FX_FETCH_TIMEOUT = 0.3
    with fixture_http_server({"/slow.csv": Route(sjis_table(today()), delay=2.0)}) as url:
        started = time.monotonic()
        with pytest.raises(FxSourceUnavailable) as refused:
            fetch(url, "/slow.csv")
        took = time.monotonic() - started

    assert took < 1.5
    assert "in time" in str(refused.value.fields) or "時間内" in str(refused.value.fields)
    assert m.FxRate.objects.count() == 0


def test_a_source_that_refuses_the_connection_is_unavailable():
    with pytest.raises(FxSourceUnavailable):
        fx_import_fetch(actor=FX_IMPORTER, url=f"http://127.0.0.1:{free_port()}/x.csv", format="bank_csv")


def test_only_http_sources_are_fetched():
    with pytest.raises(FxSourceUnavailable):
        fx_import_fetch(actor=FX_IMPORTER, url="file:///etc/passwd", format="bank_csv")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026年12月1日", dt.date(2026, 12, 1)),
        ("2026 年 3 月 31 日 10:00現在", dt.date(2026, 3, 31)),
        ("2026/12/01", dt.date(2026, 12, 1)),
        ("2027-01-04", dt.date(2027, 1, 4)),
        ("2026/02/30", None),
        ("令和8年12月1日", None),
    ],
)
def test_japanese_dates(text, expected):
    assert parse_japanese_date(text) == expected


# --- operations resolve what was held back ---------------------------------------------------------


def test_accepting_a_held_rate_writes_it_naming_the_person_and_closes_the_other_offers(
    django_capture_on_commit_callbacks,
):
    f.FxRateFactory(rate_date=today(), rate=Decimal("155.2300"))
    chosen = f.FxRateConflictFactory(rate_date=today(), offered_rate=Decimal("155.8000"))
    other = f.FxRateConflictFactory(rate_date=today(), offered_rate=Decimal("156.0000"))
    person = Actor.for_user(StaffUserFactory(username="ops-1", groups=["operations"]))
    before = catalog_version()

    with django_capture_on_commit_callbacks(execute=True):
        fx_conflict_accept(conflict=chosen, actor=person)

    rate = m.FxRate.objects.get()
    assert rate.rate == Decimal("155.8000")
    assert (rate.actor_kind, rate.actor_label) == ("user", "ops-1")
    assert rate.history.first().history_user == person.user
    chosen.refresh_from_db()
    other.refresh_from_db()
    assert (chosen.status, chosen.resolved_by_label) == ("accepted", "ops-1")
    assert other.status == "dismissed"
    assert stamp() != before
    with pytest.raises(Conflict):
        fx_conflict_accept(conflict=chosen, actor=person)


def test_dismissing_a_held_rate_keeps_the_recorded_one():
    f.FxRateFactory(rate_date=today(), rate=Decimal("155.2300"))
    conflict = f.FxRateConflictFactory(rate_date=today(), offered_rate=Decimal("155.8000"))

    fx_conflict_dismiss(conflict=conflict, actor=Actor.system("test"))

    assert m.FxRate.objects.get().rate == Decimal("155.2300")
    conflict.refresh_from_db()
    assert conflict.status == "dismissed"


# --- the task ------------------------------------------------------------------------------------


def test_the_task_reads_the_configured_source(settings):
    with fixture_http_server({"/kawase.csv": Route(sjis_table(today()))}) as url:
        settings.FX_SOURCE_URL = f"{url}/kawase.csv"
        settings.FX_SOURCE_FORMAT = "bank_csv"
        answer = fx_rate_import.apply().get()

    assert answer == {
        "status": "created",
        "rate_date": today().isoformat(),
        "rate": "155.2300",
        "source": "MUFG TTM",
        "conflict_id": None,
    }


def test_the_task_without_a_source_does_nothing(settings):
    settings.FX_SOURCE_URL = ""

    assert fx_rate_import.apply().get() == {"status": "not_configured"}
    assert m.FxRate.objects.count() == 0


def test_the_task_retries_a_source_that_is_down_but_not_one_that_answers_nonsense(settings):
    hits: dict[str, int] = {}
    routes = {"/down.csv": Route(b"busy", "text/plain", 503), "/html.csv": Route(ERROR_PAGE, "text/html")}
    with fixture_http_server(routes, hits) as url:
        # Eagerly, a retry is only asked for (Retry); the real worker's retries: test_fx_worker.py.
        with pytest.raises(Retry):
            fx_rate_import.apply(kwargs={"url": f"{url}/down.csv", "format": "bank_csv"})
        with pytest.raises(FxSourceInvalid):
            fx_rate_import.apply(kwargs={"url": f"{url}/html.csv", "format": "bank_csv"})

    assert hits == {"/down.csv": 1, "/html.csv": 1}


def test_beat_runs_the_import_at_1030_japan_time_on_weekdays(settings):
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import ModelEntry

    from config.celery_app import app

    # What django-celery-beat's DatabaseScheduler does with each settings entry when beat starts.
    ModelEntry.from_entry("fx-rate-import", app=app, **app.conf.beat_schedule["fx-rate-import"])

    task = PeriodicTask.objects.get(name="fx-rate-import")
    assert task.task == "catalog.fx_rate_import"
    assert task.task in app.tasks
    schedule = task.crontab
    assert (schedule.minute, schedule.hour, schedule.day_of_week) == ("30", "10", "mon-fri")
    assert str(schedule.timezone) == "Asia/Tokyo"
