"""Pull adapters against a real local HTTP server: a partner's tracking API polled, every call
logged with its request and response, failures backed off, the partner's rate limit kept."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from core.actors import Actor
from importorders import tasks
from importorders.models import PartnerCallLog, PartnerEvent, PartnerTrackingSource
from importorders.services.events_pull import tracking_poll
from tests.catalog.conftest import camry  # noqa: F401
from tests.importorders.services.test_shipment_events import Trip, at, event, vocabularies  # noqa: F401
from tests.importorders.vins import vin_plant  # noqa: F401
from tests.servers import Route, fixture_http_server

pytestmark = pytest.mark.django_db

POLLER = Actor.system("partner_tracking_poll")


@pytest.fixture
def trip(camry, vin_plant, vocabularies):  # noqa: F811
    return Trip(camry)


def _source(trip, url: str, **fields) -> PartnerTrackingSource:
    return PartnerTrackingSource.objects.create(partner=trip.partner, url=url, interval_seconds=300, **fields)


def test_a_poll_stores_the_events_and_logs_the_call(trip, clock):
    body = json.dumps({"events": [event("p1", trip.vin, "loaded", hours=1)]}).encode()
    with fixture_http_server({"/track": Route(body, "application/json")}) as url:
        source = _source(trip, f"{url}/track")
        log = tracking_poll(source=source, actor=POLLER)

    assert (log.status_code, log.error, log.accepted) == (200, "", 1)
    assert json.loads(log.response_body) == json.loads(body)
    assert log.request_headers["Accept"] == "application/json"
    assert log.url.endswith("/track")
    row = PartnerEvent.objects.get()
    assert (row.event_id, row.partner_id, row.actor_ref) == ("p1", trip.partner.pk, "partner_tracking_poll")
    source.refresh_from_db()
    assert (source.failures, source.next_poll_at) == (0, clock.now() + dt.timedelta(seconds=300))


def test_a_source_that_fails_backs_off_doubling_each_time(trip, clock):
    hits: dict[str, int] = {}
    with fixture_http_server({"/down": Route(b"busy", "text/plain", 503)}, hits) as url:
        source = _source(trip, f"{url}/down", calls_per_minute=100)
        waits = []
        for _ in range(3):
            log = tracking_poll(source=source, actor=POLLER)
            source.refresh_from_db()
            waits.append((source.next_poll_at - clock.now()).total_seconds())
    assert (log.status_code, log.error, log.response_body) == (503, "HTTP 503", "busy")
    assert waits == [600, 1200, 2400]
    assert hits == {"/down": 3}
    assert PartnerCallLog.objects.count() == 3
    assert not PartnerEvent.objects.exists()


def test_the_partners_rate_limit_holds_back_calls_and_the_beat_polls_only_what_is_due(trip, clock):
    hits: dict[str, int] = {}
    answer = json.dumps({"events": []}).encode()
    with fixture_http_server(
        {"/a": Route(answer, "application/json"), "/b": Route(answer, "application/json")}, hits
    ) as url:
        _source(trip, f"{url}/a", calls_per_minute=1)
        _source(trip, f"{url}/b", calls_per_minute=1)
        assert tasks.partner_tracking_poll() == 1  # two sources due, one call a minute for the partner
        assert tasks.partner_tracking_poll() == 0  # the first is not due again; the second still held
        clock.advance(minutes=2)
        assert tasks.partner_tracking_poll() == 1
    assert hits == {"/a": 1, "/b": 1}


def test_an_answer_that_is_not_events_is_logged_as_an_error(trip):
    with fixture_http_server({"/x": Route(b"<html>maintenance</html>", "text/html")}) as url:
        log = tracking_poll(source=_source(trip, f"{url}/x"), actor=POLLER)
    assert (log.status_code, log.error) == (200, "not a JSON object with a list of events")
    assert PartnerTrackingSource.objects.get().failures == 1
