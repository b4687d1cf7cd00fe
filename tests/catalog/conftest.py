"""A small, fully priced Toyota Camry world that the catalog's service tests share."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from catalog import models as m
from tests.catalog import factories as f
from tests.clock import days_ago, today


def camry_prices_since() -> dt.date:
    """When the Camry world's prices begin: 2026-01-01, or a month ago if that is earlier."""
    return min(dt.date(2026, 1, 1), days_ago(30))


@dataclass
class CamryWorld:
    """Camry XSE with colours, options and rules, one published price list, FX and taxes."""

    maker: m.Maker
    model: m.VehicleModel
    trim: m.Trim
    other_trim: m.Trim
    other_model: m.VehicleModel
    price_list: m.PriceList
    options: dict[str, m.Option]
    colors: dict[str, m.Color]


@pytest.fixture
def camry(db) -> CamryWorld:
    maker = f.MakerFactory(code="TOYOTA", name_ja="トヨタ", name_en="Toyota")
    plant = f.PlantFactory(maker=maker, code="TMMK")
    model = f.VehicleModelFactory(maker=maker, code="CAMRY", name_ja="カムリ", name_en="Camry")
    year = f.ModelYearFactory(vehicle_model=model, plant=plant, year=2026)
    trim = f.TrimFactory(model_year=year, code="CAMRY-26-XSE")
    other_trim = f.TrimFactory(model_year=year, code="CAMRY-26-LE")
    tundra = f.VehicleModelFactory(maker=maker, code="TUNDRA", body_type=m.BodyType.PICKUP)

    options = {
        code: f.OptionFactory(maker=maker, code=code, kind=kind)
        for code, kind in [
            ("PKG-NAV", m.OptionKind.PACKAGE),
            ("DASHCAM", m.OptionKind.OPTION),
            ("MUDGUARD", m.OptionKind.OPTION),
            ("ROOF", m.OptionKind.OPTION),
            ("RACK", m.OptionKind.OPTION),
            ("RAILS", m.OptionKind.OPTION),
            ("LE-CLOTH", m.OptionKind.OPTION),
        ]
    }
    options["BEDLINER"] = f.OptionFactory(maker=maker, vehicle_model=tundra, code="BEDLINER")
    for code in ("PKG-NAV", "DASHCAM", "MUDGUARD", "ROOF", "RACK", "RAILS"):
        f.TrimOptionFactory(trim=trim, option=options[code])
    f.TrimOptionFactory(trim=other_trim, option=options["LE-CLOTH"])
    f.OptionRuleFactory(option=options["PKG-NAV"], kind=m.RuleKind.INCLUDES, target=options["DASHCAM"])
    f.OptionRuleFactory(option=options["ROOF"], kind=m.RuleKind.EXCLUDES, target=options["RACK"])
    f.OptionRuleFactory(option=options["RACK"], kind=m.RuleKind.REQUIRES, target=options["RAILS"])

    colors = {
        "089": f.ColorFactory(
            maker=maker, code="089", name_en="Wind Chill Pearl", paint_type=m.PaintType.PEARL
        ),
        "218": f.ColorFactory(
            maker=maker, code="218", name_en="Midnight Black", paint_type=m.PaintType.METALLIC
        ),
        "3U5": f.ColorFactory(
            maker=maker, code="3U5", name_en="Supersonic Red", paint_type=m.PaintType.PEARL
        ),
    }
    f.TrimColorFactory(trim=trim, color=colors["089"])
    f.TrimColorFactory(trim=trim, color=colors["218"])
    f.TrimColorFactory(trim=other_trim, color=colors["3U5"])

    # In effect on the fixed dates the quote tests price on (2026-03-30, 2026-11-24) and on today,
    # whatever today is: the earlier of 2026-01-01 and a month ago.
    price_list = f.PriceListFactory(code="TOYOTA-2026", maker=maker, effective_from=camry_prices_since())
    f.TrimPriceFactory(
        price_list=price_list, trim=trim, fob_usd=Decimal("28400.00"), suggested_retail_jpy=Decimal(5_900_000)
    )
    for code, usd in [
        ("PKG-NAV", "1200.00"),
        ("DASHCAM", "300.00"),
        ("MUDGUARD", "150.00"),
        ("ROOF", "1000.00"),
        ("RACK", "400.00"),
        ("RAILS", "250.00"),
    ]:
        f.OptionPriceFactory(price_list=price_list, option=options[code], fob_usd=Decimal(usd))
    f.ColorPriceFactory(price_list=price_list, color=colors["089"], fob_usd=Decimal("455.00"))
    f.ColorPriceFactory(price_list=price_list, color=colors["218"], fob_usd=Decimal("0.00"))
    f.ModelLogisticsFactory(
        price_list=price_list,
        vehicle_model=model,
        ocean_freight_usd=Decimal("1850.00"),
        insurance_rate=Decimal("0.00500"),
    )
    for code, name_en, amount, order in [
        ("PORT", "Port handling", 45_000, 1),
        ("MEASURES", "Japan-specific measures", 80_000, 2),
        ("PDI", "Pre-delivery inspection", 25_000, 3),
    ]:
        fee_type = f.FeeTypeFactory(code=code, name_en=name_en, sort_order=order)
        f.ModelFeeFactory(
            price_list=price_list, vehicle_model=model, fee_type=fee_type, amount_jpy=Decimal(amount)
        )

    for rate_date in sorted({dt.date(2026, 11, 20), dt.date(2026, 3, 30), today()}):
        f.FxRateFactory(rate_date=rate_date, rate=Decimal("152.3400"))
    f.TaxRuleFactory(
        code="DUTY-0", kind=m.TaxKind.IMPORT_DUTY, rate=Decimal(0), effective_from=dt.date(2000, 1, 1)
    )
    f.TaxRuleFactory(code="CT-10", kind=m.TaxKind.CONSUMPTION_TAX, rate=Decimal("0.1000"))
    f.TaxRuleFactory(
        code="LEVY-2",
        kind=m.TaxKind.ENVIRONMENTAL_LEVY,
        name_ja="環境性能割",
        name_en="Environmental performance levy",
        rate=Decimal("0.0200"),
        effective_from=dt.date(2019, 10, 1),
        effective_to=dt.date(2026, 3, 31),
    )
    f.RecyclingDepositFactory(
        vehicle_model=model, amount_jpy=Decimal(15_460), effective_from=camry_prices_since()
    )
    f.AutomobileTaxBracketFactory(
        displacement_over_cc=2000, displacement_upto_cc=2500, amount_jpy=Decimal(43_500)
    )
    return CamryWorld(maker, model, trim, other_trim, tundra, price_list, options, colors)


def add_registration_data(world: CamryWorld) -> CamryWorld:
    """Suggested retail prices of the Camry world's options and colours, tonnage tax, insurance."""
    for code, yen in [
        ("PKG-NAV", 240_000),
        ("DASHCAM", 60_000),
        ("MUDGUARD", 30_000),
        ("ROOF", 200_000),
        ("RACK", 80_000),
        ("RAILS", 50_000),
    ]:
        m.OptionPrice.objects.filter(price_list=world.price_list, option=world.options[code]).update(
            suggested_retail_jpy=Decimal(yen)
        )
    for code, yen in [("089", 88_000), ("218", 0)]:
        m.ColorPrice.objects.filter(price_list=world.price_list, color=world.colors[code]).update(
            suggested_retail_jpy=Decimal(yen)
        )
    for over in range(0, 3000, 500):
        f.TonnageTaxBracketFactory(
            weight_over_kg=over, weight_upto_kg=over + 500, amount_jpy=Decimal(12_300 * (over // 500 + 1))
        )
    for months, yen in [(37, 24_190), (36, 23_690), (25, 18_160)]:
        f.CompulsoryInsurancePremiumFactory(months=months, amount_jpy=Decimal(yen))
    return world


@pytest.fixture
def camry_registered(camry) -> CamryWorld:
    """The Camry world with what the customer estimate needs on top."""
    return add_registration_data(camry)
