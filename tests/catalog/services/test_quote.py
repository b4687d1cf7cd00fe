"""The landed-cost quote: exact yen on both sides of the levy's end, every rate named, no writes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from catalog import models as m
from catalog.errors import ConfigurationInvalid, FxRateMissing, PriceListMissing, PriceMissing, TaxRuleMissing
from catalog.selectors.configuration import trim_configuration_data
from catalog.services.quote import ROUNDING_RULE_EN, quote_build, round_down_to, yen_down
from tests.catalog import factories as f
from tests.catalog.conftest import camry_prices_since
from tests.queries import assert_constant_queries, assert_query_count

pytestmark = pytest.mark.django_db

AFTER_LEVY = dt.date(2026, 11, 24)
LAST_LEVY_DAY = dt.date(2026, 3, 30)
FIRST_DAY_WITHOUT_LEVY = dt.date(2026, 3, 31)


@pytest.fixture(autouse=True)
def _english():
    """Field messages are asserted in English; Japanese is the site default."""
    with translation.override("en"):
        yield


def quote(world, on_date=AFTER_LEVY, color="089", options=("PKG-NAV", "MUDGUARD")):
    return quote_build(trim=world.trim, color_code=color, option_codes=options, on_date=on_date)


def test_rounding_helpers_always_round_down():
    assert yen_down(Decimal("69314.70")) == Decimal(69314)
    assert round_down_to(Decimal(4_906_999), Decimal(1000)) == Decimal(4_906_000)
    assert round_down_to(Decimal("98120"), Decimal(100)) == Decimal(98_100)


def test_quote_after_the_levy_ended_in_exact_yen(camry):
    result = quote(camry)

    # FX 152.3400 (2026-11-20, the latest on or before 2026-11-24); each USD line rounded down:
    #   trim     28,400.00 x 152.34 = 4,326,456.00 -> 4,326,456
    #   colour      455.00 x 152.34 =    69,314.70 ->    69,314
    #   PKG-NAV   1,200.00 x 152.34 =   182,808.00 ->   182,808
    #   MUDGUARD    150.00 x 152.34 =    22,851.00 ->    22,851   (DASHCAM included: 0)
    #   FOB USD 30,205.00; FOB JPY 4,601,429
    #   freight   1,850.00 x 152.34 =   281,829.00 ->   281,829
    #   insurance 30,205.00 x 0.005 = 151.025 -> USD 151.02 (down to the cent) x 152.34
    #             = 23,006.3868 -> 23,006
    #   CIF = 4,601,429 + 281,829 + 23,006 = 4,906,264
    #   duty 0% of 4,906,000 = 0
    #   consumption tax: base 4,906,264 -> 4,906,000; x 10% = 490,600
    #   fees 45,000 + 80,000 + 25,000 = 150,000; recycling deposit 15,460
    #   total = 4,906,264 + 0 + 490,600 + 150,000 + 15,460 = 5,562,324
    assert result.fob_usd == Decimal("30205.00")
    assert result.fob_jpy == Decimal(4_601_429)
    assert result.freight_jpy == Decimal(281_829)
    assert result.insurance_jpy == Decimal(23_006)
    assert result.cif_jpy == Decimal(4_906_264)
    assert result.duty_jpy == Decimal(0)
    assert result.consumption_tax_jpy == Decimal(490_600)
    assert result.environmental_levy_jpy == Decimal(0)
    assert result.fees_jpy == Decimal(150_000)
    assert result.recycling_deposit_jpy == Decimal(15_460)
    assert result.total_jpy == Decimal(5_562_324)
    assert result.option_codes == ("PKG-NAV", "MUDGUARD")
    assert result.included_option_codes == ("DASHCAM",)
    assert result.annual_automobile_tax_jpy == Decimal(43_500)
    assert result.suggested_retail_jpy == Decimal(5_900_000)
    assert [(line.code, line.amount_jpy) for line in result.lines] == [
        ("trim:CAMRY-26-XSE", Decimal(4_326_456)),
        ("color:089", Decimal(69_314)),
        ("option:PKG-NAV", Decimal(182_808)),
        ("option:MUDGUARD", Decimal(22_851)),
        ("option:DASHCAM", Decimal(0)),
        ("fob", Decimal(4_601_429)),
        ("freight", Decimal(281_829)),
        ("insurance", Decimal(23_006)),
        ("cif", Decimal(4_906_264)),
        ("duty", Decimal(0)),
        ("consumption_tax", Decimal(490_600)),
        ("fee:PORT", Decimal(45_000)),
        ("fee:MEASURES", Decimal(80_000)),
        ("fee:PDI", Decimal(25_000)),
        ("recycling_deposit", Decimal(15_460)),
        ("total", Decimal(5_562_324)),
    ]


def test_the_quote_names_every_rate_and_rule_with_its_dates(camry):
    result = quote(camry)

    assert (result.fx_rate.rate, result.fx_rate.rate_date, result.fx_rate.source) == (
        Decimal("152.3400"),
        dt.date(2026, 11, 20),
        "MUFG TTM",
    )
    assert (result.price_list.code, result.price_list.effective_from, result.price_list.effective_to) == (
        "TOYOTA-2026",
        camry_prices_since(),
        None,
    )
    assert [(r.code, r.rate, r.amount_jpy, r.effective_from, r.effective_to) for r in result.rules] == [
        ("DUTY-0", Decimal("0.0000"), None, dt.date(2000, 1, 1), None),
        ("CT-10", Decimal("0.1000"), None, dt.date(2019, 10, 1), None),
        ("recycling_deposit:CAMRY", None, Decimal(15_460), camry_prices_since(), None),
    ]
    assert result.rounding_rule_en == ROUNDING_RULE_EN
    assert result.line("consumption_tax").basis == "¥4,906,000 × 10%"
    assert result.line("consumption_tax").label_ja == "輸入消費税"


def test_insurance_as_a_rate_is_rounded_down_to_the_cent_before_it_is_converted(camry):
    result = quote(camry)

    # 30,205.00 x 0.005 = 151.025: the line prints USD 151.02, and 151.02 x 152.34 = 23,006.3868
    # -> ¥23,006 (converting the unrounded 151.025 gave 23,007.1485 -> ¥23,007: ¥1 off what it printed).
    insurance = result.line("insurance")
    assert insurance.amount_usd == Decimal("151.02")
    assert insurance.amount_jpy == Decimal(23_006)
    assert insurance.basis == "USD 30,205.00 × 0.5% → USD 151.02 × 152.34"
    # Every line that started in dollars: whole cents, and its yen are those cents times the rate.
    dollar_lines = [line for line in result.lines if line.amount_usd is not None and line.code != "fob"]
    assert [(line.code, line.amount_usd, line.amount_jpy) for line in dollar_lines] == [
        ("trim:CAMRY-26-XSE", Decimal("28400.00"), Decimal(4_326_456)),
        ("color:089", Decimal("455.00"), Decimal(69_314)),
        ("option:PKG-NAV", Decimal("1200.00"), Decimal(182_808)),
        ("option:MUDGUARD", Decimal("150.00"), Decimal(22_851)),
        ("option:DASHCAM", Decimal(0), Decimal(0)),
        ("freight", Decimal("1850.00"), Decimal(281_829)),
        ("insurance", Decimal("151.02"), Decimal(23_006)),
    ]
    for line in dollar_lines:
        assert line.amount_usd == line.amount_usd.quantize(Decimal("0.01"))
        assert line.amount_jpy == yen_down(line.amount_usd * result.fx_rate.rate)


def test_the_date_defaults_to_today_in_japan(camry, clock):
    clock.set(dt.datetime(2026, 11, 23, 15, 30, tzinfo=dt.UTC))  # 00:30 on 2026-11-24 in Japan

    result = quote_build(trim=camry.trim, color_code="089", option_codes=("PKG-NAV", "MUDGUARD"))

    assert result.on_date == AFTER_LEVY
    assert result.total_jpy == Decimal(5_562_324)


def test_the_levy_applies_on_its_last_day(camry):
    result = quote(camry, on_date=LAST_LEVY_DAY)

    # Same prices and rate (FX 152.3400 dated 2026-03-30) so CIF is 4,906,264 as above;
    # levy: base 4,906,264 -> 4,906,000; x 2% = 98,120 -> 98,100 (down to the ¥100)
    # total = 5,562,324 + 98,100 = 5,660,424
    assert result.environmental_levy_jpy == Decimal(98_100)
    assert result.total_jpy == Decimal(5_660_424)
    assert [(r.code, r.effective_from, r.effective_to) for r in result.rules] == [
        ("DUTY-0", dt.date(2000, 1, 1), None),
        ("CT-10", dt.date(2019, 10, 1), None),
        ("LEVY-2", dt.date(2019, 10, 1), dt.date(2026, 3, 31)),
        ("recycling_deposit:CAMRY", camry_prices_since(), None),
    ]
    assert result.line("environmental_levy").basis == "¥4,906,000 × 2%"


def test_the_levy_is_gone_from_2026_03_31(camry):
    result = quote(camry, on_date=FIRST_DAY_WITHOUT_LEVY)

    # FX 2026-03-30 (one day old), same CIF 4,906,264; no levy: 5,562,324
    assert result.environmental_levy_jpy == Decimal(0)
    assert result.total_jpy == Decimal(5_562_324)
    assert [r.code for r in result.rules] == ["DUTY-0", "CT-10", "recycling_deposit:CAMRY"]
    assert [line.code for line in result.lines][-8:] == [
        "cif",
        "duty",
        "consumption_tax",
        "fee:PORT",
        "fee:MEASURES",
        "fee:PDI",
        "recycling_deposit",
        "total",
    ]


def test_insurance_as_a_fixed_amount(camry):
    m.ModelLogistics.objects.update(insurance_rate=None, insurance_usd=Decimal("120.00"))

    result = quote(camry)

    # insurance 120.00 x 152.34 = 18,280.80 -> 18,280; CIF = 4,601,429 + 281,829 + 18,280 = 4,901,538
    # consumption tax: 4,901,000 x 10% = 490,100; total = 4,901,538 + 490,100 + 150,000 + 15,460
    assert result.insurance_jpy == Decimal(18_280)
    assert result.cif_jpy == Decimal(4_901_538)
    assert result.consumption_tax_jpy == Decimal(490_100)
    assert result.total_jpy == Decimal(5_557_098)


def test_a_models_own_tax_rule_wins_over_the_general_one(camry):
    f.TaxRuleFactory(
        code="DUTY-CAMRY", kind=m.TaxKind.IMPORT_DUTY, vehicle_model=camry.model, rate=Decimal("0.0100")
    )

    result = quote(camry)

    # duty: 4,906,000 x 1% = 49,060 -> 49,000; CT base 4,906,264 + 49,000 = 4,955,264 -> 4,955,000
    # CT 495,500; total = 4,906,264 + 49,000 + 495,500 + 150,000 + 15,460 = 5,616,224
    assert result.duty_jpy == Decimal(49_000)
    assert result.consumption_tax_jpy == Decimal(495_500)
    assert result.total_jpy == Decimal(5_616_224)


def test_fx_uses_the_latest_rate_within_seven_days_else_refuses(camry):
    f.FxRateFactory(rate_date=dt.date(2026, 11, 23), rate=Decimal("155.0000"))
    assert quote(camry).fx_rate.rate_date == dt.date(2026, 11, 23)

    assert quote(camry, on_date=dt.date(2026, 4, 6)).fx_rate.rate_date == dt.date(2026, 3, 30)  # 7 days
    with pytest.raises(FxRateMissing) as refused:
        quote(camry, on_date=dt.date(2026, 4, 7))  # the newest before it, 2026-03-30, is eight days old

    assert refused.value.code == "fx_rate_missing"
    assert refused.value.status_code == 422
    assert refused.value.fields == {"on_date": ["No USD/JPY rate between 2026-03-31 and 2026-04-07."]}


def test_no_published_price_list_on_the_date(camry):
    f.PriceListFactory(
        code="DRAFT", maker=camry.maker, status=m.PriceListStatus.DRAFT, effective_from=dt.date(2024, 1, 1)
    )

    the_day_before = camry_prices_since() - dt.timedelta(days=1)  # only the draft covers it

    with pytest.raises(PriceListMissing) as refused:
        quote(camry, on_date=the_day_before)

    assert refused.value.code == "price_list_missing"
    assert refused.value.fields == {"on_date": [f"No published price list on {the_day_before:%Y-%m-%d}."]}


def test_a_models_own_price_list_wins_over_the_makers(camry):
    f.PriceListFactory(
        code="CAMRY-ONLY", maker=camry.maker, vehicle_model=camry.model, effective_from=camry_prices_since()
    )

    with pytest.raises(PriceMissing) as refused:
        quote(camry)

    # The maker's list prices all of it; the model's own (empty) list wins, so nothing is priced.
    assert refused.value.code == "price_missing"
    assert refused.value.fields == {
        "trim": ["Trim CAMRY-26-XSE has no price."],
        "options": ["Option PKG-NAV has no price.", "Option MUDGUARD has no price."],
        "color": ["Colour 089 has no price."],
        "logistics": ["The model has no freight and insurance costs."],
    }


def test_an_invalid_configuration_is_refused_with_field_messages(camry):
    with pytest.raises(ConfigurationInvalid) as refused:
        quote(camry, color="3U5", options=("RACK",))

    assert refused.value.code == "configuration_invalid"
    assert refused.value.status_code == 400
    assert [e.code for e in refused.value.errors] == ["color_not_available", "missing_required_option"]
    assert set(refused.value.fields) == {"color", "options"}


def test_missing_tax_data_is_refused(camry):
    m.RecyclingDeposit.objects.all().delete()
    m.TaxRule.objects.filter(kind=m.TaxKind.CONSUMPTION_TAX).delete()

    with pytest.raises(TaxRuleMissing) as refused:
        quote(camry)

    assert refused.value.code == "tax_rule_missing"
    assert set(refused.value.fields) == {"consumption_tax", "recycling_deposit"}


def test_a_quote_writes_nothing(camry):
    with CaptureQueriesContext(connection) as captured:
        quote(camry)

    statements = [q["sql"].lstrip().split(None, 1)[0].upper() for q in captured.captured_queries]
    assert statements == ["SELECT"] * 14


def test_the_quote_runs_a_constant_number_of_queries(camry):
    def add(count):
        for _ in range(count):
            option = f.OptionFactory(maker=camry.maker)
            f.TrimOptionFactory(trim=camry.trim, option=option)
            f.OptionPriceFactory(price_list=camry.price_list, option=option)
            f.TrimColorFactory(trim=camry.trim, color=f.ColorFactory(maker=camry.maker))
            f.ModelFeeFactory(price_list=camry.price_list, vehicle_model=camry.model)

    options = ["PKG-NAV", "MUDGUARD"]

    def action():
        chosen = options + list(
            m.TrimOption.objects.filter(trim=camry.trim, option__code__startswith="OPT").values_list(
                "option__code", flat=True
            )
        )
        return quote_build(trim=camry.trim, color_code="089", option_codes=chosen, on_date=AFTER_LEVY)

    # 4 (configuration) + price list + FX + trim, option and colour prices + logistics + tax rules
    # + recycling deposit + fees + automobile tax = 14, plus the one query the test makes to list codes.
    assert_constant_queries(action, add, expected=15)


def test_a_quote_handed_the_engine_data_does_not_load_it_again(camry):
    data = trim_configuration_data(trim_id=camry.trim.pk)

    with assert_query_count(10):
        result = quote_build(
            trim=camry.trim,
            color_code="089",
            option_codes=("PKG-NAV", "MUDGUARD"),
            on_date=AFTER_LEVY,
            data=data,
        )

    assert result.total_jpy == Decimal(5_562_324)
    with pytest.raises(
        ValueError, match="Configuration data of trim CAMRY-26-XSE cannot price trim CAMRY-26-LE"
    ):
        quote_build(trim=camry.other_trim, color_code="3U5", option_codes=(), data=data)
