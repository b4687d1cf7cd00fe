"""Publishing price lists: published lists of one scope never share a day, even under a race."""

import datetime as dt
import threading
import time

import pytest
from django.db import close_old_connections, connection

from catalog import models as m
from catalog.errors import PriceListOverlap
from catalog.services import price_lists
from catalog.services.price_lists import price_list_period_set, price_list_publish
from core.errors import ApplicationError, ValidationFailed
from tests.catalog import factories as f
from tests.factories import TEST_ACTOR

pytestmark = pytest.mark.django_db

JAN, APR, OCT = dt.date(2026, 1, 1), dt.date(2026, 4, 1), dt.date(2026, 10, 1)


def draft(maker, code, start, end=None, vehicle_model=None):
    price_list = f.PriceListFactory(
        code=code,
        maker=maker,
        vehicle_model=vehicle_model,
        effective_from=start,
        effective_to=end,
        status=m.PriceListStatus.DRAFT,
    )
    f.TrimPriceFactory(price_list=price_list, trim=f.TrimFactory(model_year__vehicle_model__maker=maker))
    return price_list


def statuses(maker):
    return dict(m.PriceList.objects.filter(maker=maker).values_list("code", "status"))


def test_publish_a_draft():
    maker = f.MakerFactory()
    price_list = draft(maker, "A", JAN, APR)

    published = price_list_publish(price_list=price_list, actor=TEST_ACTOR)

    stored = m.PriceList.objects.get(pk=price_list.pk)
    assert (stored.status, stored.published_at) == (m.PriceListStatus.PUBLISHED, published.published_at)
    assert list(stored.history.values_list("status", flat=True)) == ["published", "draft"]


def test_publishing_again_changes_nothing():
    maker = f.MakerFactory()
    published = price_list_publish(price_list=draft(maker, "A", JAN, APR), actor=TEST_ACTOR)

    again = price_list_publish(price_list=published, actor=TEST_ACTOR)

    assert (again.pk, again.published_at) == (published.pk, published.published_at)
    assert m.PriceList.objects.get(pk=published.pk).history.count() == 2


def test_publishing_is_dated_by_the_one_clock(clock):
    published = price_list_publish(price_list=draft(f.MakerFactory(), "A", JAN, APR), actor=TEST_ACTOR)

    assert m.PriceList.objects.get(pk=published.pk).published_at == clock.now()


def test_adjacent_periods_do_not_overlap():
    maker = f.MakerFactory()
    price_list_publish(price_list=draft(maker, "A", JAN, APR), actor=TEST_ACTOR)

    price_list_publish(price_list=draft(maker, "B", APR), actor=TEST_ACTOR)

    assert statuses(maker) == {"A": "published", "B": "published"}


@pytest.mark.parametrize(
    ("start", "end"),
    [(dt.date(2026, 3, 31), None), (dt.date(2025, 1, 1), dt.date(2026, 1, 2)), (dt.date(2025, 1, 1), None)],
)
def test_an_overlapping_list_is_refused_and_stays_a_draft(start, end):
    maker = f.MakerFactory()
    price_list_publish(price_list=draft(maker, "A", JAN, APR), actor=TEST_ACTOR)
    second = draft(maker, "B", start, end)

    with pytest.raises(PriceListOverlap) as refused:
        price_list_publish(price_list=second, actor=TEST_ACTOR)

    assert refused.value.code == "price_list_overlap"
    assert refused.value.status_code == 409
    assert statuses(maker) == {"A": "published", "B": "draft"}


def test_an_open_ended_list_overlaps_everything_after_it():
    maker = f.MakerFactory()
    price_list_publish(price_list=draft(maker, "A", JAN), actor=TEST_ACTOR)

    with pytest.raises(PriceListOverlap):
        price_list_publish(price_list=draft(maker, "B", dt.date(2030, 1, 1)), actor=TEST_ACTOR)

    assert statuses(maker) == {"A": "published", "B": "draft"}


def test_other_scopes_may_overlap():
    maker = f.MakerFactory()
    model = f.VehicleModelFactory(maker=maker)
    price_list_publish(price_list=draft(maker, "A", JAN), actor=TEST_ACTOR)

    price_list_publish(price_list=draft(maker, "MODEL", JAN, vehicle_model=model), actor=TEST_ACTOR)
    other_maker = f.MakerFactory()
    price_list_publish(price_list=draft(other_maker, "OTHER", JAN), actor=TEST_ACTOR)

    assert statuses(maker) == {"A": "published", "MODEL": "published"}
    assert statuses(other_maker) == {"OTHER": "published"}


def test_an_empty_list_cannot_be_published():
    price_list = f.PriceListFactory(status=m.PriceListStatus.DRAFT)

    with pytest.raises(ValidationFailed) as refused:
        price_list_publish(price_list=price_list, actor=TEST_ACTOR)

    assert refused.value.code == "price_list_empty"
    price_list.refresh_from_db()
    assert price_list.status == m.PriceListStatus.DRAFT


def test_ending_a_published_list_makes_room_for_its_successor():
    maker = f.MakerFactory()
    first = draft(maker, "A", JAN)
    price_list_publish(price_list=first, actor=TEST_ACTOR)
    successor = draft(maker, "B", OCT)
    with pytest.raises(PriceListOverlap):
        price_list_publish(price_list=successor, actor=TEST_ACTOR)
    assert statuses(maker) == {"A": "published", "B": "draft"}

    price_list_period_set(price_list=first, effective_from=JAN, effective_to=OCT, actor=TEST_ACTOR)
    price_list_publish(price_list=successor, actor=TEST_ACTOR)

    assert statuses(maker) == {"A": "published", "B": "published"}
    first.refresh_from_db()
    assert (first.effective_from, first.effective_to) == (JAN, OCT)


def test_extending_a_published_list_over_another_is_refused():
    maker = f.MakerFactory()
    first = draft(maker, "A", JAN, APR)
    price_list_publish(price_list=first, actor=TEST_ACTOR)
    price_list_publish(price_list=draft(maker, "B", APR), actor=TEST_ACTOR)

    with pytest.raises(PriceListOverlap):
        price_list_period_set(price_list=first, effective_from=JAN, effective_to=OCT, actor=TEST_ACTOR)

    first.refresh_from_db()
    assert first.effective_to == APR


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_lists_published_at_once_leave_exactly_one_published(monkeypatch):
    # Widen the window between the overlap check and the write: without the lock both would pass.
    real_check = price_lists.price_lists_overlapping

    def slow_check(**kwargs):
        found = list(real_check(**kwargs))
        time.sleep(0.3)
        return m.PriceList.objects.filter(pk__in=[p.pk for p in found])

    monkeypatch.setattr(price_lists, "price_lists_overlapping", slow_check)
    maker = f.MakerFactory()
    lists = [draft(maker, "A", JAN, OCT), draft(maker, "B", APR)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def publish(price_list):
        try:
            barrier.wait(timeout=10)
            price_list_publish(price_list=price_list, actor=TEST_ACTOR)
            outcomes.append("published")
        except ApplicationError as error:
            outcomes.append(error.code)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=publish, args=(price_list,)) for price_list in lists]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["price_list_overlap", "published"]
    assert sorted(statuses(maker).values()) == ["draft", "published"]
