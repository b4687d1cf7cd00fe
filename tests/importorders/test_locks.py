"""Contended writes on PostgreSQL: threads released together by a barrier, exact outcomes."""

import threading

import pytest
from django.db import connection, connections

from importorders.models import DealerAPIKey
from importorders.services.dealers import DealerChanges, dealer_update
from importorders.services.keys import api_key_revoke, dealer_key_issue
from tests.factories import TEST_ACTOR, DealerFactory

THREADS = 8


def _run_together(work, count: int = THREADS) -> list[BaseException]:
    """Run `work(i)` in `count` threads released at the same instant; returns the errors raised."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            work(i)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


@pytest.fixture
def postgresql(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter: SQLite serialises writers (IMMEDIATE)")


def test_revoking_one_key_from_eight_threads_writes_one_history_row(postgresql):
    key, _raw = dealer_key_issue(dealer=DealerFactory(), name="dms", actor=TEST_ACTOR)

    errors = _run_together(lambda i: api_key_revoke(key=key, actor=TEST_ACTOR, reason=f"clerk {i}"))

    assert errors == []
    assert DealerAPIKey.objects.get(pk=key.pk).revoked is True
    revocations = DealerAPIKey.history.filter(id=key.pk, revoked=True)
    assert revocations.count() == 1  # seven threads found it revoked under the lock and returned


def test_concurrent_updates_of_different_fields_lose_none(postgresql):
    dealer = DealerFactory(phone="", address="")
    fields = [{"phone": f"03-0000-000{i}"} if i % 2 else {"address": f"住所{i}"} for i in range(THREADS)]

    errors = _run_together(
        lambda i: dealer_update(dealer=dealer, actor=TEST_ACTOR, changes=DealerChanges(**fields[i]))
    )

    assert errors == []
    dealer.refresh_from_db()
    final = dealer.history.order_by("history_date", "history_id").last()
    assert (final.phone, final.address) == (dealer.phone, dealer.address)
    assert dealer.phone.startswith("03-0000-000")
    assert dealer.address.startswith("住所")
    assert dealer.history.count() == 1 + THREADS  # created, then one row per update, none lost
