"""Demo catalog: Toyota's three US plants and models, Honda's Passport, prices, FX and taxes.

Idempotent: every row is found by its code (update_or_create) and price lists are filled through
the same CSV import the back office uses, then published through the publishing service; a list
that is already published is left as it is. A second run creates no duplicates.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from catalog import models as m
from catalog.services.price_import import price_list_import
from catalog.services.price_lists import price_list_period_set, price_list_publish
from catalog.versioning import catalog_changed
from core import clock
from core.actors import Actor
from core.demo import DemoResult, register

SEEDER = Actor.system("seed_demo")

ROUTES = [
    (
        "recognition",
        "米国製乗用車の認定",
        "US-built passenger car recognition",
        "2026年2月16日施行。FMVSSに適合し自動車メーカーが輸入する米国製乗用車を大臣が認定する。",
        "In force since 2026-02-16: the minister recognises a US-built passenger car meeting FMVSS, "
        "imported by its maker; reviewed on documents per model.",
    ),
    (
        "type_designation",
        "型式指定",
        "Type designation",
        "メーカーが車台番号ごとに完成検査終了証を発行 (有効9か月)。",
        "The maker issues a completion-inspection certificate per VIN (valid 9 months).",
    ),
    (
        "php",
        "輸入自動車特別取扱制度",
        "Preferential handling procedure (PHP)",
        "書類審査による型式認証。1型式あたり年間5,000台まで。初回は現車提示。",
        "Type approval on documents, at most 5,000 units per type per year; each vehicle presented.",
    ),
    (
        "pre_inspection",
        "予備検査",
        "Pre-inspection",
        "予備検査証 (有効3か月)。並行輸入車や完成検査終了証の期限切れ車に用いる。",
        "Pre-inspection certificate (valid 3 months), for parallel imports and expired completion "
        "certificates.",
    ),
]

# maker code: (ja, en, plants: [(code, ja, en, city, state, VIN plant letter, [(WMI, what)])])
MAKERS = {
    "TOYOTA": (
        "トヨタ",
        "Toyota",
        [
            ("TMMK", "ケンタッキー工場", "Toyota Motor Manufacturing Kentucky", "Georgetown", "KY", "U",
             [("4T1", "passenger car")]),
            ("TMMI", "インディアナ工場", "Toyota Motor Manufacturing Indiana", "Princeton", "IN", "S",
             [("5TD", "multipurpose passenger vehicle")]),
            ("TMMTX", "テキサス工場", "Toyota Motor Manufacturing Texas", "San Antonio", "TX", "X",
             [("5TF", "truck")]),
        ],
    ),
    "HONDA": (
        "ホンダ",
        "Honda",
        [
            ("HMA", "アラバマ工場", "Honda Manufacturing of Alabama", "Lincoln", "AL", "B",
             [("5FN", "multipurpose passenger vehicle")]),
        ],
    ),
}  # fmt: skip

# model code: maker, ja, en, body, status, number, recognised on, plant, recycling deposit (JPY)
MODELS = {
    "CAMRY": ("TOYOTA", "カムリ", "Camry", m.BodyType.SEDAN, m.RecognitionStatus.RECOGNISED,
              "認定第US-0001号", dt.date(2026, 5, 20), "TMMK", 12_990),
    "HIGHLANDER": ("TOYOTA", "ハイランダー", "Highlander", m.BodyType.SUV, m.RecognitionStatus.RECOGNISED,
                   "認定第US-0002号", dt.date(2026, 6, 10), "TMMI", 15_880),
    "TUNDRA": ("TOYOTA", "タンドラ", "Tundra", m.BodyType.PICKUP, m.RecognitionStatus.UNDER_REVIEW,
               "", None, "TMMTX", 18_650),
    "PASSPORT": ("HONDA", "パスポート", "Passport", m.BodyType.SUV, m.RecognitionStatus.NOT_SUBMITTED,
                 "", None, "HMA", 15_200),
}  # fmt: skip

P, C = m.PlateClass.PASSENGER, ""  # C: undecided (the Tundra's class is not decided yet)
HV, GAS = m.Powertrain.HYBRID, m.Powertrain.GASOLINE
FWD, AWD, FOUR = m.Drive.FWD, m.Drive.AWD, m.Drive.FOUR_WD

# trim code: model, ja, en, powertrain, drive, L, W, H, kg, cc, seats, plate, FOB USD (current), retail JPY
# (illustrative: suggested retail about 20% above the landed cost, as a dealer's margin needs)
TRIMS = {
    "CAMRY-26-LE": ("CAMRY", "LE", "LE", HV, FWD, 4915, 1839, 1445, 1542, 2487, 5, P, "28400.00", 6_580_000),
    "CAMRY-26-SE": ("CAMRY", "SE", "SE", HV, FWD, 4915, 1839, 1445, 1560, 2487, 5, P, "30800.00", 7_060_000),
    "CAMRY-26-XLE-AWD": ("CAMRY", "XLE AWD", "XLE AWD", HV, AWD, 4915, 1839, 1445, 1660, 2487, 5, P,
                         "35500.00", 7_980_000),
    "CAMRY-26-XSE-AWD": ("CAMRY", "XSE AWD", "XSE AWD", HV, AWD, 4915, 1839, 1445, 1685, 2487, 5, P,
                         "37200.00", 8_380_000),
    "HIGHLANDER-26-XLE": ("HIGHLANDER", "XLE 2.4ターボ AWD", "XLE 2.4 Turbo AWD", GAS, AWD, 4950, 1930, 1730,
                          1995, 2393, 8, P, "45200.00", 10_020_000),
    "HIGHLANDER-26-HV-XLE": ("HIGHLANDER", "ハイブリッド XLE AWD", "Hybrid XLE AWD", HV, AWD, 4950, 1930,
                             1730, 2055, 2487, 8, P, "47800.00", 10_550_000),
    "HIGHLANDER-26-HV-PLAT": ("HIGHLANDER", "ハイブリッド プラチナ AWD", "Hybrid Platinum AWD", HV, AWD, 4950,
                              1930, 1730, 2110, 2487, 7, P, "54600.00", 11_980_000),
    "TUNDRA-26-SR5": ("TUNDRA", "SR5 クルーマックス 4WD", "SR5 CrewMax 4WD", GAS, FOUR, 5933, 2037,
                      1981, 2480, 3445, 5, C, "52500.00", 11_520_000),
    "TUNDRA-26-LTD": ("TUNDRA", "リミテッド クルーマックス 4WD", "Limited CrewMax 4WD", GAS, FOUR, 5933, 2037,
                      1981, 2540, 3445, 5, C, "60900.00", 13_320_000),
    "TUNDRA-26-TRDPRO": ("TUNDRA", "TRD Pro i-FORCE MAX", "TRD Pro i-FORCE MAX", HV, FOUR, 5933, 2037, 1996,
                         2650, 3445, 5, C, "77300.00", 17_040_000),
    "PASSPORT-26-TSE": ("PASSPORT", "トレイルスポーツ エリート", "TrailSport Elite", GAS, AWD, 4857, 2004,
                        1857, 2060, 3471, 5, P, "53400.00", 11_340_000),
}  # fmt: skip

F, PT = m.Installation.FACTORY, m.Installation.PORT
OPT, PKG = m.OptionKind.OPTION, m.OptionKind.PACKAGE
# option code: maker, model (None: every model of the maker), kind, installation, ja, en, FOB USD
OPTIONS = {
    "JP-ETC2": ("TOYOTA", None, OPT, PT, "ETC2.0車載器", "ETC 2.0 on-board unit", "300.00"),
    "JP-DASHCAM": ("TOYOTA", None, OPT, PT, "ドライブレコーダー", "Dash camera", "400.00"),
    "JP-CONVENIENCE": ("TOYOTA", None, PKG, PT, "ジャパン コンビニエンス パッケージ",
                       "Japan convenience package", "650.00"),
    "CAMRY-SUNROOF": ("TOYOTA", "CAMRY", OPT, F, "ムーンルーフ", "Power moonroof", "1200.00"),
    "CAMRY-CROSSBARS": ("TOYOTA", "CAMRY", OPT, PT, "ルーフクロスバー", "Roof cross bars", "450.00"),
    "CAMRY-NAV12": ("TOYOTA", "CAMRY", OPT, F, "12.3インチ ナビゲーション", "12.3-inch navigation", "900.00"),
    "CAMRY-JBL": ("TOYOTA", "CAMRY", OPT, F, "JBLプレミアムオーディオ", "JBL premium audio", "1150.00"),
    "CAMRY-MUDGUARDS": ("TOYOTA", "CAMRY", OPT, PT, "マッドガード", "Mudguards", "160.00"),
    "HL-PANOROOF": ("TOYOTA", "HIGHLANDER", OPT, F, "パノラマルーフ", "Panoramic roof", "1450.00"),
    "HL-CROSSBARS": ("TOYOTA", "HIGHLANDER", OPT, PT, "ルーフクロスバー", "Roof cross bars", "480.00"),
    "HL-TOW-WIRING": ("TOYOTA", "HIGHLANDER", OPT, F, "トレーラー配線", "Trailer wiring harness", "250.00"),
    "HL-TOW-HITCH": ("TOYOTA", "HIGHLANDER", OPT, PT, "トウヒッチ", "Tow hitch receiver", "550.00"),
    "TD-TRD-OFFROAD": ("TOYOTA", "TUNDRA", PKG, F, "TRDオフロード パッケージ", "TRD Off-Road package",
                       "3350.00"),
    "TD-SKIDPLATES": ("TOYOTA", "TUNDRA", OPT, F, "スキッドプレート", "Skid plates", "700.00"),
    "TD-TONNEAU": ("TOYOTA", "TUNDRA", OPT, PT, "トノカバー", "Hard tonneau cover", "1300.00"),
    "TD-BEDRACK": ("TOYOTA", "TUNDRA", OPT, PT, "ベッドラック", "Bed rack", "850.00"),
    "TD-BEDLINER": ("TOYOTA", "TUNDRA", OPT, PT, "ベッドライナー", "Spray-in bedliner", "600.00"),
    "HD-ETC2": ("HONDA", None, OPT, PT, "ETC2.0車載器", "ETC 2.0 on-board unit", "310.00"),
    "PP-ROOFRACK": ("HONDA", "PASSPORT", OPT, PT, "ルーフラック", "Roof rack", "520.00"),
    "PP-ROOFBOX": ("HONDA", "PASSPORT", OPT, PT, "ルーフボックス", "Roof box", "780.00"),
    "PP-ROOFTENT": ("HONDA", "PASSPORT", OPT, PT, "ルーフトップテント", "Rooftop tent", "2900.00"),
    "PP-TOW-HITCH": ("HONDA", "PASSPORT", OPT, PT, "トウヒッチ", "Tow hitch", "600.00"),
}  # fmt: skip

# Options some trims do not offer (everything else of the model and the maker is offered).
NOT_OFFERED = {
    "CAMRY-26-LE": {"CAMRY-SUNROOF", "CAMRY-JBL"},
    "TUNDRA-26-SR5": {"TD-TRD-OFFROAD", "TD-SKIDPLATES"},
}

RI, EX, IN = m.RuleKind.REQUIRES, m.RuleKind.EXCLUDES, m.RuleKind.INCLUDES
# (option, kind, target, model scope)
RULES = [
    ("JP-CONVENIENCE", IN, "JP-ETC2", None),
    ("JP-CONVENIENCE", IN, "JP-DASHCAM", None),
    ("CAMRY-JBL", RI, "CAMRY-NAV12", "CAMRY"),
    ("CAMRY-SUNROOF", EX, "CAMRY-CROSSBARS", "CAMRY"),
    ("HL-TOW-HITCH", RI, "HL-TOW-WIRING", "HIGHLANDER"),
    ("HL-PANOROOF", EX, "HL-CROSSBARS", "HIGHLANDER"),
    ("TD-TRD-OFFROAD", IN, "TD-SKIDPLATES", "TUNDRA"),
    ("TD-SKIDPLATES", RI, "TD-TRD-OFFROAD", "TUNDRA"),
    ("TD-TONNEAU", EX, "TD-BEDRACK", "TUNDRA"),
    ("PP-ROOFBOX", RI, "PP-ROOFRACK", "PASSPORT"),
    ("PP-ROOFTENT", RI, "PP-ROOFRACK", "PASSPORT"),
    ("PP-ROOFTENT", EX, "PP-ROOFBOX", "PASSPORT"),
]

# colour code: maker, ja, en, hex, paint, FOB USD, trims that do not offer it
COLORS = {
    "089": ("TOYOTA", "ウィンドチルパール", "Wind Chill Pearl", "#F2F2EE", m.PaintType.PEARL, "455.00",
            set()),
    "218": ("TOYOTA", "ミッドナイトブラックメタリック", "Midnight Black Metallic", "#1C1C1E",
            m.PaintType.METALLIC, "0.00", set()),
    "1J9": ("TOYOTA", "セレスティアルシルバーメタリック", "Celestial Silver Metallic", "#B9BCBE",
            m.PaintType.METALLIC, "0.00", set()),
    "3U5": ("TOYOTA", "スーパーソニックレッド", "Supersonic Red", "#A1111B", m.PaintType.PEARL, "500.00",
            {"CAMRY-26-LE", "TUNDRA-26-SR5"}),
    "1L1": ("TOYOTA", "アンダーグラウンド", "Underground", "#5B5E5E", m.PaintType.SOLID, "0.00",
            {"CAMRY-26-LE", "CAMRY-26-SE", "CAMRY-26-XLE-AWD", "CAMRY-26-XSE-AWD"}),
    "NH-883P": ("HONDA", "プラチナホワイトパール", "Platinum White Pearl", "#EDEDE8", m.PaintType.PEARL,
                "455.00", set()),
    "NH-731P": ("HONDA", "クリスタルブラックパール", "Crystal Black Pearl", "#141416", m.PaintType.PEARL,
                "0.00", set()),
    "G-572M": ("HONDA", "アッシュグリーンメタリック", "Ash Green Metallic", "#5F6B5A", m.PaintType.METALLIC,
               "0.00", set()),
}  # fmt: skip

FEES = [
    ("PORT_HANDLING", "港湾取扱料", "Port handling", 1, 38_000),
    ("JP_MEASURES", "日本仕様対応費 (アンバーウインカー・認定標章)",
     "Japan-specific measures (amber indicators, sign)", 2, 95_000),
    ("PDI", "納車前点検", "Pre-delivery inspection", 3, 22_000),
    ("INLAND", "国内陸送費", "Inland delivery", 4, 45_000),
]  # fmt: skip

# model: ocean freight USD, insurance (rate of FOB, or a USD amount)
LOGISTICS = {
    "CAMRY": ("1750.00", ("insurance_rate", "0.00500", "RATE")),
    "HIGHLANDER": ("1950.00", ("insurance_rate", "0.00500", "RATE")),
    "TUNDRA": ("2600.00", ("insurance_rate", "0.00500", "RATE")),
    "PASSPORT": ("1900.00", ("insurance", "95.00", "USD")),
}


def fiscal_half_start(day: dt.date) -> dt.date:
    """The first day of the Japanese fiscal half-year (April-September, October-March) of `day`."""
    if day.month >= 10:
        return dt.date(day.year, 10, 1)
    if day.month >= 4:
        return dt.date(day.year, 4, 1)
    return dt.date(day.year - 1, 10, 1)


def fiscal_half_code(start: dt.date) -> str:
    """ "2026H1" for April-September 2026, "2026H2" for October 2026-March 2027."""
    return f"{start.year}H1" if start.month == 4 else f"{start.year}H2"


def demo_price_lists(today: dt.date) -> list[tuple[str, str, dt.date, dt.date | None, Decimal]]:
    """(code, maker, effective from, effective to, USD taken off current trim FOB), dated from today.

    Toyota: last half-year's list (USD 400 cheaper) and the current half-year's, open-ended.
    Honda: one list from three months into last half-year, open-ended.
    """
    current = fiscal_half_start(today)
    previous = fiscal_half_start(current - dt.timedelta(days=1))
    honda_from = (
        previous.replace(month=previous.month + 3)
        if previous.month == 4
        else dt.date(previous.year + 1, 1, 1)
    )
    return [
        (f"TOYOTA-{fiscal_half_code(previous)}", "TOYOTA", previous, current, Decimal(400)),
        (f"TOYOTA-{fiscal_half_code(current)}", "TOYOTA", current, None, Decimal(0)),
        (f"HONDA-{honda_from.year}", "HONDA", honda_from, None, Decimal(0)),
    ]


LEVY_END = dt.date(2026, 3, 31)  # first day without the environmental performance levy
# (code, kind, model, ja, en, rate, from, to, source)
TAX_RULES = [
    ("DUTY-CARS-0", m.TaxKind.IMPORT_DUTY, None, "関税 (乗用車)", "Import duty (cars)", "0.0000",
     dt.date(2000, 1, 1), None, "Customs Tariff Schedule 8703: free"),
    ("CT-10", m.TaxKind.CONSUMPTION_TAX, None, "輸入消費税 (地方消費税込み)",
     "Import consumption tax (incl. local)", "0.1000", dt.date(2019, 10, 1), None, "Consumption Tax Act"),
    ("ENV-LEVY-3", m.TaxKind.ENVIRONMENTAL_LEVY, None, "環境性能割", "Environmental performance levy",
     "0.0300", dt.date(2019, 10, 1), LEVY_END, "Local Tax Act; abolished on 2026-03-31"),
    ("ENV-LEVY-CAMRY", m.TaxKind.ENVIRONMENTAL_LEVY, "CAMRY", "環境性能割 (カムリ ハイブリッド)",
     "Environmental performance levy (Camry hybrid)", "0.0100", dt.date(2019, 10, 1), LEVY_END,
     "Local Tax Act; rate by fuel efficiency"),
]  # fmt: skip

# Annual automobile tax, private passenger cars first registered from 2019-10-01 (DOMAIN.md).
AUTOMOBILE_TAX = [
    (0, 1000, 25_000), (1000, 1500, 30_500), (1500, 2000, 36_000), (2000, 2500, 43_500),
    (2500, 3000, 50_000), (3000, 3500, 57_000), (3500, 4000, 65_500), (4000, 4500, 75_500),
    (4500, 6000, 87_000), (6000, None, 110_000),
]  # fmt: skip
AUTOMOBILE_TAX_FROM = dt.date(2019, 10, 1)
AUTOMOBILE_TAX_SOURCE = "Local Tax Act art. 147 (private passenger cars first registered from 2019-10-01)"

# Motor vehicle tonnage tax at a new private passenger car's first registration, paid for the first
# inspection period of 3 years: ¥4,100 per 0.5 t per year (the rate for a car with no eco-car
# reduction), by vehicle weight in 0.5 t brackets: (over kg, up to kg, 3-year amount).
TONNAGE_TAX_YEARS = 3
TONNAGE_TAX = [(over, over + 500, 12_300 * (over // 500 + 1)) for over in range(0, 5000, 500)]
TONNAGE_TAX_FROM = dt.date(2012, 5, 1)
TONNAGE_TAX_SOURCE = (
    "MLIT tonnage tax table: new registration, private passenger car, 3 years, no eco-car reduction"
)

# Compulsory automobile liability insurance (自賠責), private passenger car, mainland Japan (not
# remote islands or Okinawa): the standard premiums by period in months.
COMPULSORY_INSURANCE = [(37, 24_190), (36, 23_690), (25, 18_160), (24, 17_650), (13, 12_010), (12, 11_500)]
COMPULSORY_INSURANCE_FROM = dt.date(2023, 4, 1)
COMPULSORY_INSURANCE_SOURCE = "GIROJ standard CALI premiums of 2023-04-01: private passenger car, mainland"
RECYCLING_DEPOSIT_SOURCE = "Japan Automobile Recycling Promotion Center: the model's recycling fee"

FX_DAYS = 60
# Recycling deposits per model: the amounts in force for the vehicles the demo sells.
RECYCLING_DEPOSIT_FROM = dt.date(2019, 10, 1)


def demo_fx_rate(day: dt.date) -> Decimal:
    """A deterministic USD/JPY rate between 150 and 156 for a date (the same date, the same rate)."""
    return (Decimal(153) + Decimal(3 * math.sin(day.toordinal() / 5))).quantize(Decimal("0.0001"))


@register(order=20)
def seed_catalog(result: DemoResult) -> None:
    """Makers, plants, routes, models, trims, options, colours, price lists, FX and taxes."""
    makers, plants = _seed_makers()
    routes = {
        code: m.CertificationRoute.objects.update_or_create(
            code=code,
            defaults={
                "name_ja": ja,
                "name_en": en,
                "description_ja": dja,
                "description_en": den,
                "sort_order": order,
            },
        )[0]
        for order, (code, ja, en, dja, den) in enumerate(ROUTES)
    }
    models = _seed_models(makers, plants, routes["recognition"])
    trims = _seed_trims(models)
    options = _seed_options(makers, models, trims)
    _seed_colors(makers, trims)
    for code, ja, en, order, _amount in FEES:
        m.FeeType.objects.update_or_create(
            code=code, defaults={"name_ja": ja, "name_en": en, "sort_order": order}
        )
    today = clock.today_jst()
    price_lists = _seed_price_lists(makers, options, today)
    _seed_fx(today)
    _seed_taxes(models)
    catalog_changed()  # rows were written one by one, outside the services: one bump for all
    result.notes.append(
        f"catalog: {len(makers)} makers, {len(models)} models, {len(trims)} trims, "
        f"{len(options)} options, {len(price_lists)} price lists, USD/JPY for the last {FX_DAYS} days"
    )


def _seed_makers() -> tuple[dict[str, m.Maker], dict[str, m.Plant]]:
    makers: dict[str, m.Maker] = {}
    plants: dict[str, m.Plant] = {}
    for code, (ja, en, maker_plants) in MAKERS.items():
        maker = m.Maker.objects.update_or_create(code=code, defaults={"name_ja": ja, "name_en": en})[0]
        makers[code] = maker
        for plant_code, pja, pen, city, state, letter, wmis in maker_plants:
            plant = m.Plant.objects.update_or_create(
                code=plant_code,
                defaults={
                    "maker": maker,
                    "name_ja": pja,
                    "name_en": pen,
                    "city": city,
                    "state": state,
                    "country": "US",
                    "vin_plant_letter": letter,
                },
            )[0]
            plants[plant_code] = plant
            for wmi, what in wmis:
                m.PlantWmi.objects.update_or_create(plant=plant, wmi=wmi, defaults={"description": what})
    return makers, plants


def _seed_models(makers, plants, route) -> dict[str, m.VehicleModel]:
    models: dict[str, m.VehicleModel] = {}
    for code, (maker, ja, en, body, status, number, on, plant, _deposit) in MODELS.items():
        model = m.VehicleModel.objects.update_or_create(
            code=code,
            defaults={
                "maker": makers[maker],
                "name_ja": ja,
                "name_en": en,
                "body_type": body,
                "certification_route": route,
                "recognition_status": status,
                "recognition_number": number,
                "recognised_on": on,
            },
        )[0]
        m.ModelYear.objects.update_or_create(
            vehicle_model=model, year=2026, defaults={"plant": plants[plant]}
        )
        models[code] = model
    # Which plant builds a model is data: the 2027 Camry stays in Kentucky.
    m.ModelYear.objects.update_or_create(
        vehicle_model=models["CAMRY"], year=2027, defaults={"plant": plants["TMMK"]}
    )
    return models


def _seed_trims(models) -> dict[str, m.Trim]:
    trims: dict[str, m.Trim] = {}
    for code, (model, ja, en, power, drive, length, width, height, kg, cc, seats, plate, *_) in TRIMS.items():
        trims[code] = m.Trim.objects.update_or_create(
            code=code,
            defaults={
                "model_year": m.ModelYear.objects.get(vehicle_model=models[model], year=2026),
                "name_ja": f"{models[model].name_ja} {ja}",
                "name_en": f"{models[model].name_en} {en}",
                "powertrain": power,
                "drive": drive,
                "length_mm": length,
                "width_mm": width,
                "height_mm": height,
                "curb_weight_kg": kg,
                "displacement_cc": cc,
                "seats": seats,
                "plate_class": plate,
            },
        )[0]
    return trims


def _seed_options(makers, models, trims) -> dict[str, m.Option]:
    options: dict[str, m.Option] = {}
    for code, (maker, model, kind, installation, ja, en, _usd) in OPTIONS.items():
        options[code] = m.Option.objects.update_or_create(
            maker=makers[maker],
            code=code,
            defaults={
                "vehicle_model": models[model] if model else None,
                "kind": kind,
                "installation": installation,
                "name_ja": ja,
                "name_en": en,
            },
        )[0]
    for trim_code, trim in trims.items():
        model_code = TRIMS[trim_code][0]
        maker_code = MODELS[model_code][0]
        for code, (maker, model, *_rest) in OPTIONS.items():
            offered = maker == maker_code and model in (None, model_code)
            if offered and code not in NOT_OFFERED.get(trim_code, set()):
                m.TrimOption.objects.get_or_create(trim=trim, option=options[code])
    for option, kind, target, model in RULES:
        m.OptionRule.objects.get_or_create(
            option=options[option],
            kind=kind,
            target=options[target],
            vehicle_model=models[model] if model else None,
        )
    return options


def _seed_colors(makers, trims) -> None:
    for code, (maker, ja, en, hex_value, paint, _usd, not_on) in COLORS.items():
        color = m.Color.objects.update_or_create(
            maker=makers[maker],
            code=code,
            defaults={"name_ja": ja, "name_en": en, "hex": hex_value, "paint_type": paint},
        )[0]
        for trim_code, trim in trims.items():
            if MODELS[TRIMS[trim_code][0]][0] == maker and trim_code not in not_on:
                m.TrimColor.objects.get_or_create(trim=trim, color=color)


def demo_retail(usd: str) -> int:
    """An option's or colour's illustrative suggested retail price (before consumption tax): its FOB
    at about ¥200 a dollar (landed cost and a dealer's margin), in whole ¥1,000."""
    return int(Decimal(usd) * 200 / 1000) * 1000


def _price_csv(maker_code: str, discount: Decimal) -> bytes:
    """The demo prices of one maker in the price-list CSV format."""
    lines = ["kind,model,code,amount,currency"]
    for code, (model, *_spec, usd, retail) in TRIMS.items():
        if MODELS[model][0] == maker_code:
            lines.append(f"trim_fob,{model},{code},{Decimal(usd) - discount:.2f},USD")
            lines.append(f"trim_retail,{model},{code},{retail},JPY")
    for code, (maker, model, *_rest, usd) in OPTIONS.items():
        if maker == maker_code:
            lines.append(f"option_fob,{model or ''},{code},{usd},USD")
            lines.append(f"option_retail,{model or ''},{code},{demo_retail(usd)},JPY")
    for code, (maker, _ja, _en, _hex, _paint, usd, _not_on) in COLORS.items():
        if maker == maker_code:
            lines.append(f"color_fob,,{code},{usd},USD")
            lines.append(f"color_retail,,{code},{demo_retail(usd)},JPY")
    for model, (freight, (kind, amount, currency)) in LOGISTICS.items():
        if MODELS[model][0] == maker_code:
            lines.append(f"freight,{model},,{freight},USD")
            lines.append(f"{kind},{model},,{amount},{currency}")
            lines.extend(f"fee,{model},{fee},{yen},JPY" for fee, _ja, _en, _order, yen in FEES)
    return ("\n".join(lines) + "\n").encode()


def _seed_price_lists(makers, options, today: dt.date) -> list[str]:
    lists = demo_price_lists(today)
    for code, maker_code, start, end, discount in lists:
        # A rerun in a later half-year: end the maker's open list where the new one starts.
        for open_list in m.PriceList.objects.filter(
            maker=makers[maker_code],
            vehicle_model=None,
            status=m.PriceListStatus.PUBLISHED,
            effective_to=None,
            effective_from__lt=start,
        ):
            price_list_period_set(
                price_list=open_list,
                actor=SEEDER,
                effective_from=open_list.effective_from,
                effective_to=start,
            )
        price_list, _created = m.PriceList.objects.get_or_create(
            code=code,
            defaults={
                "maker": makers[maker_code],
                "effective_from": start,
                "effective_to": end,
                "note": "Demo prices",
            },
        )
        if price_list.is_published:
            continue  # published prices never change, not even in the demo
        price_list_import(
            price_list=price_list, actor=SEEDER, csv_file=_price_csv(maker_code, discount), dry_run=False
        )
        price_list_publish(price_list=price_list, actor=SEEDER)
    return [code for code, *_rest in lists]


def _seed_fx(today: dt.date) -> None:
    for back in range(FX_DAYS):
        day = today - dt.timedelta(days=back)
        if day.weekday() >= 5:
            continue  # banks publish no rate at weekends: quotes use Friday's
        m.FxRate.objects.update_or_create(
            rate_date=day,
            base_currency="USD",
            quote_currency="JPY",
            defaults={
                "rate": demo_fx_rate(day),
                "source": "TTM",
                "actor_kind": SEEDER.kind,
                "actor_ref": SEEDER.ref,
                "actor_label": SEEDER.label,
            },
        )


def _seed_taxes(models) -> None:
    for code, kind, model, ja, en, rate, start, end, source in TAX_RULES:
        m.TaxRule.objects.update_or_create(
            code=code,
            defaults={
                "kind": kind,
                "vehicle_model": models[model] if model else None,
                "name_ja": ja,
                "name_en": en,
                "rate": Decimal(rate),
                "amount_jpy": None,
                "effective_from": start,
                "effective_to": end,
                "source": source,
            },
        )
    for over, upto, amount in AUTOMOBILE_TAX:
        m.AutomobileTaxBracket.objects.update_or_create(
            effective_from=AUTOMOBILE_TAX_FROM,
            displacement_over_cc=over,
            defaults={
                "displacement_upto_cc": upto,
                "amount_jpy": Decimal(amount),
                "source": AUTOMOBILE_TAX_SOURCE,
            },
        )
    for over, upto, amount in TONNAGE_TAX:
        m.TonnageTaxBracket.objects.update_or_create(
            years=TONNAGE_TAX_YEARS,
            effective_from=TONNAGE_TAX_FROM,
            weight_over_kg=over,
            defaults={"weight_upto_kg": upto, "amount_jpy": Decimal(amount), "source": TONNAGE_TAX_SOURCE},
        )
    for months, amount in COMPULSORY_INSURANCE:
        m.CompulsoryInsurancePremium.objects.update_or_create(
            months=months,
            effective_from=COMPULSORY_INSURANCE_FROM,
            defaults={"amount_jpy": Decimal(amount), "source": COMPULSORY_INSURANCE_SOURCE},
        )
    for code, model in models.items():
        m.RecyclingDeposit.objects.update_or_create(
            vehicle_model=model,
            effective_from=RECYCLING_DEPOSIT_FROM,
            defaults={"amount_jpy": Decimal(MODELS[code][8]), "source": RECYCLING_DEPOSIT_SOURCE},
        )
