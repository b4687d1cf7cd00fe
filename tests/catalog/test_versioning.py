"""The catalog version stamp is bumped by the writers, once per transaction, never per row."""

import pytest

from catalog import models as m
from catalog import versioning
from catalog.services.price_import import price_list_export, price_list_import
from tests.factories import TEST_ACTOR

pytestmark = pytest.mark.django_db


@pytest.fixture
def bumps(monkeypatch):
    """Counts the stamp's bumps (the on-commit callbacks the writers queue)."""
    counted: list[int] = []
    real = versioning._bump
    monkeypatch.setattr(versioning, "_bump", lambda: (counted.append(1), real()))
    return counted


def test_a_price_import_writing_many_rows_bumps_the_stamp_once(
    camry, bumps, django_capture_on_commit_callbacks
):
    m.PriceList.objects.filter(pk=camry.price_list.pk).update(status=m.PriceListStatus.DRAFT)
    camry.price_list.refresh_from_db()
    exported = price_list_export(price_list=camry.price_list)
    changed = (
        exported.replace("28400.00", "28500.00").replace("455.00", "460.00").replace("1200.00", "1250.00")
    )
    before = versioning.catalog_version()

    with django_capture_on_commit_callbacks(execute=True):
        report = price_list_import(
            price_list=camry.price_list, actor=TEST_ACTOR, csv_file=changed.encode(), dry_run=False
        )

    assert report.counts == {"unchanged": 12, "changed": 3}
    assert len(bumps) == 1
    versioning._memo = None
    assert versioning.catalog_version() != before


def test_a_dry_run_and_plain_row_saves_bump_nothing(camry, bumps, django_capture_on_commit_callbacks):
    exported = price_list_export(price_list=camry.price_list)

    with django_capture_on_commit_callbacks(execute=True):
        price_list_import(
            price_list=camry.price_list, actor=TEST_ACTOR, csv_file=exported.encode(), dry_run=True
        )
        camry.trim.name_en = "Saved behind the services' back"
        camry.trim.save()

    assert bumps == []


def test_the_admin_bumps_once_per_saved_object(camry, bumps, client, django_capture_on_commit_callbacks):
    from tests.factories import DEFAULT_PASSWORD, StaffUserFactory

    StaffUserFactory(username="catalog-admin", is_superuser=True)
    client.login(username="catalog-admin", password=DEFAULT_PASSWORD)
    rate = m.FxRate.objects.order_by("rate_date").first()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/catalog/fxrate/{rate.pk}/change/",
            {
                "rate_date": rate.rate_date.isoformat(),
                "base_currency": rate.base_currency,
                "quote_currency": rate.quote_currency,
                "rate": "151.0000",
                "source": rate.source,
            },
        )

    assert response.status_code == 302, response.content[:3000]
    assert len(bumps) == 1
