"""Statutory costs at registration and the customer estimate: dated data, pro rata, exact yen."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from catalog import models as m
from catalog.errors import PriceMissing, TaxRuleMissing
from catalog.selectors.configuration import trim_configuration_data
from catalog.services.estimate import estimate_build
from catalog.services.quote import quote_build
from catalog.services.records import (
    estimate_from_record,
    estimate_to_record,
    quote_from_record,
    quote_to_record,
)
from catalog.services.registration import automobile_tax_pro_rata, months_taxed, registration_costs
from tests.catalog import factories as f
from tests.clock import today

pytestmark = pytest.mark.django_db

# Registration month → months of automobile tax (from the next month to March) and the tax on
# ¥43,500 a year (2.0-2.5 l), 43,500 × months / 12 rounded down to the ¥100.
PRO_RATA = {
    4: (11, 39_800),  # 39,875
    5: (10, 36_200),  # 36,250
    6: (9, 32_600),  # 32,625
    7: (8, 29_000),
    8: (7, 25_300),  # 25,375
    9: (6, 21_700),  # 21,750
    10: (5, 18_100),  # 18,125
    11: (4, 14_500),
    12: (3, 10_800),  # 10,875
    1: (2, 7_200),  # 7,250
    2: (1, 3_600),  # 3,625
    3: (0, 0),
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("month", range(1, 13))
def test_the_automobile_tax_is_pro_rata_from_the_month_after_registration(month):
    months, tax = PRO_RATA[month]
    day = dt.date(2027, month, 1)
    assert months_taxed(day) == months
    assert automobile_tax_pro_rata(annual_jpy=Decimal(43_500), registration_month=day) == tax


@given(
    annual=st.integers(min_value=0, max_value=200_000),
    day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)),
)
def test_the_pro_rata_tax_never_exceeds_the_months_share_and_is_whole_hundreds(annual, day):
    tax = automobile_tax_pro_rata(annual_jpy=Decimal(annual), registration_month=day)
    share = Decimal(annual) * months_taxed(day) / 12
    assert tax % 100 == 0
    assert share - 100 < tax <= share
    march = day.year if day.month <= 3 else day.year + 1  # the fiscal year ends in this March
    assert months_taxed(day) == (march * 12 + 3) - (day.year * 12 + day.month)


def _costs(world, month: dt.date):
    return registration_costs(
        trim=world.trim, vehicle_model_id=world.model.pk, registration_month=month, on_date=today()
    )


def next_may() -> dt.date:
    first = today().replace(day=1)
    return first.replace(year=first.year + 1, month=5)


def test_registration_costs_come_from_the_dated_rows(camry_registered):
    costs = _costs(camry_registered, next_may())
    amounts = {line.code: line.amount_jpy for line in costs.lines}
    assert amounts == {
        "automobile_tax": Decimal(36_200),
        "tonnage_tax": Decimal(49_200),  # 1,600 kg: over 1.5 t up to 2 t
        "compulsory_insurance": Decimal(24_190),  # 37 months
        "recycling_deposit": Decimal(15_460),
    }
    assert costs.total_jpy == sum(amounts.values())
    assert not costs.provisional
    tonnage = next(line for line in costs.lines if line.code == "tonnage_tax")
    assert tonnage.source == "test tonnage table"
    assert "1,600 kg" in tonnage.basis


def test_a_new_rate_from_a_date_applies_to_registrations_from_then(camry_registered):
    month = next_may()
    m.CompulsoryInsurancePremium.objects.filter(months=37).update(effective_to=month)
    f.CompulsoryInsurancePremiumFactory(months=37, amount_jpy=Decimal(20_000), effective_from=month)
    before = _costs(camry_registered, month.replace(month=4))
    after = _costs(camry_registered, month)
    pick = lambda costs: next(x.amount_jpy for x in costs.lines if x.code == "compulsory_insurance")  # noqa: E731
    assert (pick(before), pick(after)) == (Decimal(24_190), Decimal(20_000))


def test_an_undecided_plate_class_marks_the_costs_provisional(camry_registered):
    m.Trim.objects.filter(pk=camry_registered.trim.pk).update(plate_class="")
    camry_registered.trim.refresh_from_db()
    costs = _costs(camry_registered, next_may())
    assert costs.provisional
    assert next(line for line in costs.lines if line.code == "automobile_tax").provisional


def test_missing_statutory_data_is_refused_naming_each(camry_registered):
    m.TonnageTaxBracket.objects.all().delete()
    m.CompulsoryInsurancePremium.objects.all().delete()
    with pytest.raises(TaxRuleMissing) as caught:
        _costs(camry_registered, next_may())
    assert set(caught.value.fields) == {"tonnage_tax", "compulsory_insurance"}


def _estimate(world, options=("PKG-NAV", "MUDGUARD"), color="089"):
    data = trim_configuration_data(trim_id=world.trim.pk)
    quote = quote_build(trim=world.trim, color_code=color, option_codes=options, data=data)
    return quote, estimate_build(quote=quote, trim=world.trim, data=data, registration_month=next_may())


def test_the_estimate_prices_the_build_at_retail_with_consumption_tax(camry_registered):
    _quote, estimate = _estimate(camry_registered)
    amounts = {line.code: line.amount_jpy for line in estimate.lines}
    assert amounts == {
        "trim:CAMRY-26-XSE": Decimal(5_900_000),
        "color:089": Decimal(88_000),
        "option:PKG-NAV": Decimal(240_000),
        "option:MUDGUARD": Decimal(30_000),
        "option:DASHCAM": Decimal(0),  # included in the package
    }
    assert estimate.vehicle_jpy == Decimal(6_258_000)
    assert estimate.consumption_tax_rate == Decimal("0.1000")
    assert estimate.consumption_tax_jpy == Decimal(625_800)
    assert estimate.total_jpy == Decimal(6_258_000 + 625_800) + estimate.statutory.total_jpy


def test_a_part_without_a_retail_price_refuses_the_estimate(camry_registered):
    m.OptionPrice.objects.filter(option=camry_registered.options["MUDGUARD"]).update(
        suggested_retail_jpy=None
    )
    with pytest.raises(PriceMissing) as caught:
        _estimate(camry_registered)
    assert list(caught.value.fields) == ["options"]


def test_quote_and_estimate_records_round_trip_exactly(camry_registered):
    quote, estimate = _estimate(camry_registered)
    assert quote_from_record(quote_to_record(quote)) == quote
    assert estimate_from_record(estimate_to_record(estimate)) == estimate
