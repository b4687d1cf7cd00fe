"""Model rules: VIN year codes, bilingual names, clean() and the database constraints behind them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from catalog import models as m
from catalog.vin import vin_year_code
from tests.catalog import factories as f

pytestmark = pytest.mark.django_db

# SQLite names the constraint of a failed CHECK, but a failed UNIQUE by its columns (table.column);
# PostgreSQL names the constraint in both cases. These patterns match either.
UNIQUE_OPTION_RULE = "catalog_optionrule"
ONE_INSURANCE = "catalog_modellogistics_one_insurance_not_negative"


@pytest.mark.parametrize(
    ("year", "code"),
    [(1980, "A"), (2000, "Y"), (2001, "1"), (2009, "9"), (2010, "A"), (2025, "S"), (2026, "T"), (2027, "V"),
     (2028, "W"), (2029, "X"), (2030, "Y"), (2031, "1"), (2040, "A")],
)  # fmt: skip
def test_vin_year_code_follows_the_30_year_cycle(year, code):
    assert vin_year_code(year) == code


def test_a_model_year_derives_its_vin_code():
    assert f.ModelYearFactory(year=2027).vin_year_code == "V"


def test_name_follows_the_active_language():
    maker = f.MakerFactory(name_ja="トヨタ", name_en="Toyota")

    with translation.override("ja"):
        assert maker.name == "トヨタ"
    with translation.override("en"):
        assert maker.name == "Toyota"


def test_a_recognised_model_needs_its_number_and_date():
    model = f.VehicleModelFactory.build(
        maker=f.MakerFactory(),
        certification_route=f.CertificationRouteFactory(),
        recognition_status=m.RecognitionStatus.RECOGNISED,
        recognition_number="",
        recognised_on=None,
    )

    with pytest.raises(ValidationError) as refused:
        model.full_clean()

    with translation.override("en"):
        messages = refused.value.message_dict
    assert messages == {
        "recognition_number": ["A recognised model needs its recognition number."],
        "recognised_on": ["A recognised model needs the date of its recognition."],
    }


def test_the_database_refuses_a_recognised_model_without_number():
    with (
        pytest.raises(IntegrityError, match="catalog_vehiclemodel_recognised_has_number_and_date"),
        transaction.atomic(),
    ):
        f.VehicleModelFactory(recognition_status=m.RecognitionStatus.RECOGNISED, recognition_number="")


def test_a_model_under_review_needs_neither():
    f.VehicleModelFactory(
        recognition_status=m.RecognitionStatus.UNDER_REVIEW, recognition_number="", recognised_on=None
    ).full_clean()


def test_only_an_electric_trim_may_have_no_displacement():
    f.TrimFactory(powertrain=m.Powertrain.ELECTRIC, displacement_cc=None)

    with (
        pytest.raises(IntegrityError, match="catalog_trim_displacement_unless_electric"),
        transaction.atomic(),
    ):
        f.TrimFactory(powertrain=m.Powertrain.GASOLINE, displacement_cc=None)


def test_an_option_cannot_rule_on_itself():
    option = f.OptionFactory()

    with pytest.raises(IntegrityError, match="catalog_optionrule_not_self"), transaction.atomic():
        m.OptionRule.objects.create(option=option, kind=m.RuleKind.EXCLUDES, target=option)


def test_a_rule_is_unique_per_scope():
    rule = f.OptionRuleFactory()
    model = f.VehicleModelFactory(maker=rule.option.maker)
    m.OptionRule.objects.create(option=rule.option, kind=rule.kind, target=rule.target, vehicle_model=model)

    with pytest.raises(IntegrityError, match=UNIQUE_OPTION_RULE), transaction.atomic():
        m.OptionRule.objects.create(option=rule.option, kind=rule.kind, target=rule.target)
    assert m.OptionRule.objects.filter(option=rule.option).count() == 2


def test_a_period_must_end_after_it_starts():
    with (
        pytest.raises(IntegrityError, match="catalog_pricelist_effective_to_after_from"),
        transaction.atomic(),
    ):
        f.PriceListFactory(effective_from=dt.date(2026, 4, 1), effective_to=dt.date(2026, 4, 1))


def test_prices_cannot_be_negative():
    with pytest.raises(IntegrityError, match="catalog_trimprice_not_negative"), transaction.atomic():
        f.TrimPriceFactory(fob_usd=Decimal("-1.00"))


def test_logistics_carry_exactly_one_kind_of_insurance():
    with pytest.raises(IntegrityError, match=ONE_INSURANCE), transaction.atomic():
        f.ModelLogisticsFactory(insurance_rate=Decimal("0.005"), insurance_usd=Decimal("100.00"))
    with pytest.raises(IntegrityError, match=ONE_INSURANCE), transaction.atomic():
        f.ModelLogisticsFactory(insurance_rate=None, insurance_usd=None)


def test_a_tax_rule_has_a_rate_or_an_amount():
    with pytest.raises(IntegrityError, match="catalog_taxrule_rate_or_amount"), transaction.atomic():
        f.TaxRuleFactory(rate=None, amount_jpy=None)


def test_one_fx_rate_per_day_and_pair():
    f.FxRateFactory(rate_date=dt.date(2026, 11, 20))

    with pytest.raises(IntegrityError, match="catalog_fxrate"), transaction.atomic():
        f.FxRateFactory(rate_date=dt.date(2026, 11, 20))
    assert m.FxRate.objects.count() == 1


@pytest.mark.parametrize(("wmi", "valid"), [("4T1", True), ("5FN", True), ("4TI", False), ("4T", False)])
def test_wmi_is_three_vin_characters(wmi, valid):
    plant_wmi = f.PlantWmiFactory.build(plant=f.PlantFactory(), wmi=wmi)

    if valid:
        plant_wmi.full_clean()
    else:
        with pytest.raises(ValidationError) as refused:
            plant_wmi.full_clean()
        assert set(refused.value.message_dict) == {"wmi"}


def test_every_change_to_reference_data_is_kept_in_history():
    model = f.VehicleModelFactory(
        recognition_status=m.RecognitionStatus.UNDER_REVIEW, recognition_number="", recognised_on=None
    )
    model.recognition_status = m.RecognitionStatus.RECOGNISED
    model.recognition_number = "認定第US-0009号"
    model.recognised_on = dt.date(2026, 9, 1)
    model.save()

    assert [h.recognition_status for h in model.history.order_by("history_date", "history_id")] == [
        "under_review",
        "recognised",
    ]
