"""The demo catalog: complete, realistic, idempotent, and priced so every trim can be quoted."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from catalog import models as m
from catalog.demo import fiscal_half_code, fiscal_half_start, seed_catalog
from catalog.services.quote import quote_build
from core.demo import DemoResult
from tests.clock import today as clock_today

pytestmark = pytest.mark.django_db

COUNTED = [
    m.Maker, m.Plant, m.PlantWmi, m.CertificationRoute, m.VehicleModel, m.ModelYear, m.Trim, m.Option,
    m.TrimOption, m.OptionRule, m.Color, m.TrimColor, m.PriceList, m.TrimPrice, m.OptionPrice, m.ColorPrice,
    m.ModelLogistics, m.ModelFee, m.FeeType, m.FxRate, m.TaxRule, m.AutomobileTaxBracket, m.RecyclingDeposit,
]  # fmt: skip


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture
def seeded():
    seed_catalog(DemoResult())


def test_a_second_run_creates_no_duplicates(seeded):
    first = counts()

    seed_catalog(DemoResult())

    assert counts() == first
    assert first["Maker"] == 2
    assert first["VehicleModel"] == 4
    assert first["Trim"] == 11
    assert first["PriceList"] == 3


def test_toyota_has_its_three_us_plants_and_honda_its_alabama_plant(seeded):
    plants = m.Plant.objects.order_by("code").values_list("maker__code", "code", "city", "state")

    assert list(plants) == [
        ("HONDA", "HMA", "Lincoln", "AL"),
        ("TOYOTA", "TMMI", "Princeton", "IN"),
        ("TOYOTA", "TMMK", "Georgetown", "KY"),
        ("TOYOTA", "TMMTX", "San Antonio", "TX"),
    ]
    assert set(m.CertificationRoute.objects.values_list("code", flat=True)) == {
        "recognition",
        "type_designation",
        "php",
        "pre_inspection",
    }


def test_every_model_has_a_requires_and_an_excludes_rule(seeded):
    for model in m.VehicleModel.objects.all():
        kinds = set(
            m.OptionRule.objects.filter(option__maker=model.maker, vehicle_model=model).values_list(
                "kind", flat=True
            )
        )
        assert {m.RuleKind.REQUIRES, m.RuleKind.EXCLUDES} <= kinds, model.code


def test_recognition_statuses_cover_the_cases(seeded):
    statuses = dict(m.VehicleModel.objects.values_list("code", "recognition_status"))

    assert statuses == {
        "CAMRY": "recognised",
        "HIGHLANDER": "recognised",
        "TUNDRA": "under_review",
        "PASSPORT": "not_submitted",
    }
    assert not m.VehicleModel.objects.filter(recognition_status="recognised", recognition_number="").exists()
    assert set(
        m.Trim.objects.filter(model_year__vehicle_model__code="TUNDRA").values_list("plate_class", flat=True)
    ) == {""}


def test_price_lists_one_current_and_one_ended(seeded):
    # Dated from the clock: last fiscal half-year's list has ended, this half-year's is open.
    today = clock_today()
    current = fiscal_half_start(today)
    previous = fiscal_half_start(current - dt.timedelta(days=1))
    lists = {pl.code: pl for pl in m.PriceList.objects.all()}

    toyota_ended, toyota_open = f"TOYOTA-{fiscal_half_code(previous)}", f"TOYOTA-{fiscal_half_code(current)}"
    assert sorted(lists) == sorted([toyota_ended, toyota_open, *[c for c in lists if c.startswith("HONDA-")]])
    assert [pl.status for pl in lists.values()] == ["published"] * 3
    ended, open_list = lists[toyota_ended], lists[toyota_open]
    assert (ended.effective_from, ended.effective_to) == (previous, current)
    assert (open_list.effective_from, open_list.effective_to) == (current, None)
    assert current <= today < current + dt.timedelta(days=183)


@pytest.mark.parametrize(
    ("day", "start", "code"),
    [
        (dt.date(2026, 4, 1), dt.date(2026, 4, 1), "2026H1"),
        (dt.date(2026, 9, 30), dt.date(2026, 4, 1), "2026H1"),
        (dt.date(2026, 10, 1), dt.date(2026, 10, 1), "2026H2"),
        (dt.date(2027, 3, 31), dt.date(2026, 10, 1), "2026H2"),
        (dt.date(2027, 1, 15), dt.date(2026, 10, 1), "2026H2"),
    ],
)
def test_fiscal_half_years_start_in_april_and_october(day, start, code):
    assert fiscal_half_start(day) == start
    assert fiscal_half_code(start) == code


def test_a_rerun_in_a_later_half_year_ends_the_open_list_and_adds_the_new_one(seeded, clock):
    before = set(m.PriceList.objects.values_list("code", flat=True))
    clock.advance(days=190)

    seed_catalog(DemoResult())

    today = clock_today()
    current = fiscal_half_start(today)
    toyota = m.PriceList.objects.filter(maker__code="TOYOTA").order_by("effective_from")
    assert set(m.PriceList.objects.values_list("code", flat=True)) >= before
    assert toyota.last().code == f"TOYOTA-{fiscal_half_code(current)}"
    assert list(toyota.filter(effective_to=None).values_list("code", flat=True)) == [toyota.last().code]
    periods = list(toyota.values_list("effective_from", "effective_to"))
    assert all(end == following for (_s, end), (following, _e) in itertools.pairwise(periods))


def test_fx_rates_cover_the_last_60_days_between_150_and_156(seeded):
    rates = m.FxRate.objects.all()

    assert all(Decimal(150) <= rate.rate <= Decimal(156) for rate in rates)
    assert min(r.rate_date for r in rates) >= clock_today() - dt.timedelta(days=59)
    assert rates.count() >= 40


def test_the_levy_ends_on_2026_03_31(seeded):
    levies = m.TaxRule.objects.filter(kind=m.TaxKind.ENVIRONMENTAL_LEVY)

    assert set(levies.values_list("effective_to", flat=True)) == {dt.date(2026, 3, 31)}


def test_every_trim_can_be_quoted_today(seeded):
    for trim in m.Trim.objects.select_related("model_year__vehicle_model"):
        color = m.TrimColor.objects.filter(trim=trim).select_related("color").first().color
        result = quote_build(trim=trim, color_code=color.code, option_codes=[])
        assert result.total_jpy > result.cif_jpy > 0, trim.code
        assert result.subject_to_approval is (trim.model_year.vehicle_model.code in {"TUNDRA", "PASSPORT"})
