"""factory_boy factories for the catalog's reference data."""

import datetime as dt
from decimal import Decimal

import factory

from catalog import models as m
from core import clock
from tests.clock import days_ago, today


class MakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Maker
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"MAKER{n}")
    name_ja = factory.LazyAttribute(lambda o: f"メーカー{o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Maker {o.code}")


class PlantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Plant

    maker = factory.SubFactory(MakerFactory)
    code = factory.Sequence(lambda n: f"PLANT{n}")
    name_ja = "ケンタッキー工場"
    name_en = "Kentucky plant"
    city = "Georgetown"
    state = "KY"
    vin_plant_letter = "U"


class PlantWmiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.PlantWmi

    plant = factory.SubFactory(PlantFactory)
    wmi = "4T1"


class CertificationRouteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.CertificationRoute
        django_get_or_create = ("code",)

    code = "recognition"
    name_ja = "米国製乗用車の認定"
    name_en = "US-built passenger car recognition"


class VehicleModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.VehicleModel

    maker = factory.SubFactory(MakerFactory)
    code = factory.Sequence(lambda n: f"MODEL{n}")
    name_ja = factory.LazyAttribute(lambda o: f"モデル{o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Model {o.code}")
    body_type = m.BodyType.SEDAN
    certification_route = factory.SubFactory(CertificationRouteFactory)
    recognition_status = m.RecognitionStatus.RECOGNISED
    recognition_number = factory.Sequence(lambda n: f"US-REC-{n:04d}")
    recognised_on = factory.LazyFunction(lambda: days_ago(180))


class ModelYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ModelYear

    vehicle_model = factory.SubFactory(VehicleModelFactory)
    year = 2026
    plant = factory.SubFactory(PlantFactory, maker=factory.SelfAttribute("..vehicle_model.maker"))


class TrimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Trim

    model_year = factory.SubFactory(ModelYearFactory)
    code = factory.Sequence(lambda n: f"TRIM{n}")
    name_ja = factory.LazyAttribute(lambda o: f"グレード{o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Trim {o.code}")
    powertrain = m.Powertrain.HYBRID
    drive = m.Drive.FWD
    length_mm = 4920
    width_mm = 1840
    height_mm = 1445
    curb_weight_kg = 1600
    displacement_cc = 2487
    seats = 5
    plate_class = m.PlateClass.PASSENGER


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Option

    maker = factory.SubFactory(MakerFactory)
    code = factory.Sequence(lambda n: f"OPT{n}")
    name_ja = factory.LazyAttribute(lambda o: f"オプション{o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Option {o.code}")


class TrimOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.TrimOption

    trim = factory.SubFactory(TrimFactory)
    option = factory.SubFactory(OptionFactory)


class OptionRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.OptionRule

    option = factory.SubFactory(OptionFactory)
    kind = m.RuleKind.REQUIRES
    target = factory.SubFactory(OptionFactory, maker=factory.SelfAttribute("..option.maker"))


class ColorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Color

    maker = factory.SubFactory(MakerFactory)
    code = factory.Sequence(lambda n: f"C{n:03d}")
    name_ja = factory.LazyAttribute(lambda o: f"カラー{o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Colour {o.code}")
    hex = "#FFFFFF"
    paint_type = m.PaintType.SOLID


class TrimColorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.TrimColor

    trim = factory.SubFactory(TrimFactory)
    color = factory.SubFactory(ColorFactory)


class PriceListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.PriceList

    code = factory.Sequence(lambda n: f"PL{n}")
    maker = factory.SubFactory(MakerFactory)
    effective_from = factory.LazyFunction(lambda: days_ago(30))
    effective_to = None
    status = m.PriceListStatus.PUBLISHED


class FeeTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.FeeType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"FEE{n}")
    name_ja = factory.LazyAttribute(lambda o: f"手数料{o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Fee {o.code}")


class TrimPriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.TrimPrice

    price_list = factory.SubFactory(PriceListFactory)
    trim = factory.SubFactory(TrimFactory)
    fob_usd = Decimal("28400.00")


class OptionPriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.OptionPrice

    price_list = factory.SubFactory(PriceListFactory)
    option = factory.SubFactory(OptionFactory)
    fob_usd = Decimal("100.00")


class ColorPriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ColorPrice

    price_list = factory.SubFactory(PriceListFactory)
    color = factory.SubFactory(ColorFactory)
    fob_usd = Decimal("0.00")


class ModelLogisticsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ModelLogistics

    price_list = factory.SubFactory(PriceListFactory)
    vehicle_model = factory.SubFactory(VehicleModelFactory)
    ocean_freight_usd = Decimal("1850.00")
    insurance_rate = Decimal("0.00500")


class ModelFeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ModelFee

    price_list = factory.SubFactory(PriceListFactory)
    vehicle_model = factory.SubFactory(VehicleModelFactory)
    fee_type = factory.SubFactory(FeeTypeFactory)
    amount_jpy = Decimal(45000)


class FxRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.FxRate

    rate_date = factory.LazyFunction(today)
    rate = Decimal("152.3400")
    source = "MUFG TTM"
    actor_kind = "system"
    actor_ref = "tests"
    actor_label = "tests"


class FxRateConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.FxRateConflict

    kind = m.FxRateConflictKind.CHANGED
    rate_date = factory.LazyFunction(today)
    offered_rate = Decimal("158.0000")
    current_rate = Decimal("152.3400")
    current_rate_date = factory.LazyFunction(today)
    source = "MUFG TTM"
    source_url = "http://127.0.0.1/fx.csv"
    fetched_at = factory.LazyFunction(clock.now)
    actor_kind = "system"
    actor_ref = "fx_rate_import"
    actor_label = "fx_rate_import"


class TaxRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.TaxRule

    code = factory.Sequence(lambda n: f"TAX{n}")
    kind = m.TaxKind.CONSUMPTION_TAX
    name_ja = "輸入消費税"
    name_en = "Import consumption tax"
    rate = Decimal("0.1000")
    effective_from = dt.date(2019, 10, 1)


class AutomobileTaxBracketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.AutomobileTaxBracket

    displacement_over_cc = 2000
    displacement_upto_cc = 2500
    amount_jpy = Decimal(43500)
    effective_from = dt.date(2019, 10, 1)


class RecyclingDepositFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.RecyclingDeposit

    vehicle_model = factory.SubFactory(VehicleModelFactory)
    amount_jpy = Decimal(15460)
    effective_from = factory.LazyFunction(lambda: days_ago(365))


class TonnageTaxBracketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.TonnageTaxBracket

    weight_over_kg = 1500
    weight_upto_kg = 2000
    years = 3
    amount_jpy = Decimal(49200)
    effective_from = dt.date(2012, 5, 1)
    source = "test tonnage table"


class CompulsoryInsurancePremiumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.CompulsoryInsurancePremium

    months = 37
    amount_jpy = Decimal(24190)
    effective_from = dt.date(2023, 4, 1)
    source = "test premiums"
