"""The FX import on a real Celery worker against Redis, fetching from a real local HTTP server."""

from __future__ import annotations

import pytest
from celery.exceptions import Retry

from catalog import models as m
from catalog.errors import FxSourceUnavailable
from catalog.tasks import fx_rate_import
from tests.catalog.services.test_fx_import import sjis_table
from tests.clock import today
from tests.servers import Route, fixture_http_server

pytestmark = pytest.mark.celery_worker


def test_the_worker_fetches_the_bank_table_and_writes_the_rate(worker_queue):
    with fixture_http_server({"/kawase.csv": Route(sjis_table(today()), "text/csv")}) as url:
        result = fx_rate_import.apply_async(
            kwargs={"url": f"{url}/kawase.csv", "format": "bank_csv"}, queue=worker_queue
        )
        answer = result.get(timeout=30)

    assert answer["status"] == "created"
    rate = m.FxRate.objects.get(rate_date=today())
    assert str(rate.rate) == "155.2300"
    assert (rate.actor_kind, rate.actor_ref, rate.source) == ("system", "fx_rate_import", "MUFG TTM")


def test_the_worker_retries_a_source_that_is_down_three_times(worker_queue, settings):
    settings.FX_RETRY_SECONDS = 0.2
    hits: dict[str, int] = {}
    with fixture_http_server({"/down.csv": Route(b"busy", "text/plain", 503)}, hits) as url:
        result = fx_rate_import.apply_async(
            kwargs={"url": f"{url}/down.csv", "format": "bank_csv"}, queue=worker_queue
        )
        with pytest.raises((FxSourceUnavailable, Retry)):
            result.get(timeout=60)

    assert hits == {"/down.csv": 4}  # the first try and three retries
    assert m.FxRate.objects.count() == 0
