"""Demo dealers, their people, logistics partners and API keys (seed_demo, after core)."""

from core.actors import Actor
from core.demo import DemoResult, demo_user, register
from importorders.models import Dealer, DealerAPIKey, DealerMembership, LogisticsPartner, PartnerAPIKey
from importorders.services.keys import api_keys_delete, dealer_key_issue, partner_key_issue

SEEDER = Actor.system("seed_demo")

DEMO_KEY_NAME = "demo"

DEALERS = (
    {
        "code": "TKY001",
        "name_ja": "東京モータース株式会社",
        "name_en": "Tokyo Motors Co., Ltd.",
        "prefecture": "13",
        "address": "東京都港区芝浦3-1-1",
        "phone": "03-5555-0101",
        "people": (
            ("tky-manager", "Kenji", "Watanabe", "manager"),
            ("tky-sales", "Aoi", "Kobayashi", "sales"),
        ),
    },
    {
        "code": "OSK001",
        "name_ja": "なにわオート販売株式会社",
        "name_en": "Naniwa Auto Sales Co., Ltd.",
        "prefecture": "27",
        "address": "大阪府大阪市北区梅田2-2-2",
        "phone": "06-5555-0202",
        "people": (
            ("osk-manager", "Daiki", "Nakamura", "manager"),
            ("osk-sales", "Mei", "Ito", "sales"),
        ),
    },
)

PARTNERS = (
    {
        "code": "PACRORO",
        "name_ja": "パシフィック・ロロ海運",
        "name_en": "Pacific RoRo Lines",
        "kind": "carrier",
    },
    {
        "code": "MIKAWAPC",
        "name_ja": "三河港ビークルセンター",
        "name_en": "Mikawa Port Vehicle Center",
        "kind": "port_processor",
    },
)


@register(order=30)
def seed_dealers_and_partners(result: DemoResult) -> None:
    """Two dealers with a manager and a sales user each, two partners with keys, one dealer key."""
    dealers = {}
    for spec in DEALERS:
        fields = {k: v for k, v in spec.items() if k not in {"code", "people"}}
        dealer, _ = Dealer.objects.update_or_create(code=spec["code"], defaults={**fields, "active": True})
        dealers[dealer.code] = dealer
        for username, first, last, role in spec["people"]:
            user, password = demo_user(
                username=username, first_name=first, last_name=last, email=f"{username}@dealer.example.jp"
            )
            DealerMembership.objects.update_or_create(
                user=user, defaults={"dealer": dealer, "role": role, "active": True}
            )
            result.users.append(
                {"username": username, "password": password, "role": f"dealer_{role}", "dealer": dealer.code}
            )

    # Fresh keys each run; the previous demo keys are removed so that reruns leave no duplicates.
    api_keys_delete(keys=DealerAPIKey.objects.filter(name=DEMO_KEY_NAME), actor=SEEDER)
    api_keys_delete(keys=PartnerAPIKey.objects.filter(name=DEMO_KEY_NAME), actor=SEEDER)
    _, key = dealer_key_issue(dealer=dealers["TKY001"], name=DEMO_KEY_NAME, actor=SEEDER)
    result.api_keys.append({"kind": "dealer", "owner": "TKY001", "key": key})

    for spec in PARTNERS:
        partner, _ = LogisticsPartner.objects.update_or_create(
            code=spec["code"], defaults={**{k: v for k, v in spec.items() if k != "code"}, "active": True}
        )
        _, key = partner_key_issue(partner=partner, name=DEMO_KEY_NAME, actor=SEEDER)
        result.api_keys.append({"kind": "partner", "owner": partner.code, "key": key})


# Demo orders: for each dealer, one at every status of the pipeline, built through the services
# (so every event, price and VIN is what the product itself would have written).
DEMO_NOTE = "[demo]"
# (trim, colour, options, kind, customer reference, status, reason)
DEMO_ORDERS = (
    ("CAMRY-26-SE", "218", ("JP-ETC2",), "sold", "{dealer}-C001", "draft", ""),
    ("CAMRY-26-XLE-AWD", "089", ("JP-ETC2", "JP-DASHCAM"), "sold", "{dealer}-C002", "submitted", ""),
    ("HIGHLANDER-26-HV-XLE", "1J9", (), "stock", "", "confirmed", ""),
    ("CAMRY-26-LE", "218", ("CAMRY-MUDGUARDS",), "sold", "{dealer}-C003", "scheduled", ""),
    ("TUNDRA-26-SR5", "1J9", (), "stock", "", "built", ""),
    ("CAMRY-26-XSE-AWD", "3U5", ("JP-CONVENIENCE",), "sold", "{dealer}-C004", "shipped", ""),
    ("HIGHLANDER-26-XLE", "218", (), "stock", "", "arrived", ""),
    ("CAMRY-26-SE", "089", (), "sold", "{dealer}-C005", "ready", ""),
    ("TUNDRA-26-LTD", "218", ("JP-ETC2",), "sold", "{dealer}-C006", "cleared", ""),
    ("CAMRY-26-LE", "1J9", (), "sold", "{dealer}-C007", "delivered", ""),
    ("HIGHLANDER-26-HV-PLAT", "089", (), "stock", "", "rejected", "No allocation for this model this month."),
    ("CAMRY-26-SE", "218", (), "sold", "{dealer}-C008", "cancelled", "The customer withdrew the order."),
)
# The pipeline's order of statuses, for how far each demo order goes.
_PATH = (
    "draft",
    "submitted",
    "confirmed",
    "scheduled",
    "built",
    "shipped",
    "arrived",
    "cleared",
    "ready",
    "delivered",
)
_MILESTONES = {
    "shipped": "ship",
    "arrived": "arrive",
    "cleared": "clear",
    "ready": "release",
    "delivered": "deliver",
}


def demo_vin(trim, serial: int) -> str:
    """A valid VIN of the trim's plant and model year (check digit per 49 CFR 565)."""
    from catalog.vin import vin_check_digit, vin_year_code

    plant = trim.model_year.plant
    wmi = plant.wmis.order_by("wmi").first().wmi
    body = f"{wmi}DMA1X0{vin_year_code(trim.model_year.year)}{plant.vin_plant_letter}{serial:06d}"
    return body[:8] + vin_check_digit(body) + body[9:]


@register(order=40)
def seed_orders(result: DemoResult) -> None:
    """Orders at every status for both demo dealers; skipped for a dealer that has its demo orders."""
    import datetime as dt

    from django.contrib.auth import get_user_model

    from catalog.models import Trim
    from core import clock
    from importorders.services import orders as services
    from importorders.services.vehicles import order_assign_vin

    users = get_user_model().objects
    operations = Actor.for_user(users.get(username="ops"))
    today = clock.today_jst()
    next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    # A production week far enough ahead that its change cut-off is weeks away.
    week = today + dt.timedelta(days=7 * 10 - today.weekday())
    serial = 100
    for spec in DEALERS:
        dealer = Dealer.objects.get(code=spec["code"])
        if dealer.orders.filter(notes=DEMO_NOTE).exists():
            continue
        seller = Actor.for_user(users.get(username=spec["people"][1][0]))
        for trim_code, color, options, kind, customer, status, reason in DEMO_ORDERS:
            trim = Trim.objects.select_related("model_year__plant").get(code=trim_code)
            order = services.order_create(
                dealer=dealer,
                actor=seller,
                changes=services.OrderChanges(
                    kind=kind,
                    customer_reference=customer.format(dealer=dealer.code),
                    promised_date=(next_month + dt.timedelta(days=120)) if kind == "sold" else None,
                    trim=trim,
                    color_code=color,
                    option_codes=options,
                    requested_month=next_month,
                    notes=DEMO_NOTE,
                ),
            )
            if status == "draft":
                continue
            order = services.order_submit(order=order, actor=seller)
            if status == "rejected":
                services.order_reject(order=order, actor=operations, reason=reason)
                continue
            if status == "cancelled":
                services.order_cancel(order=order, actor=seller, reason=reason)
                continue
            target = _PATH.index(status)
            if target >= _PATH.index("confirmed"):
                order = services.order_confirm(order=order, actor=operations)
            if target >= _PATH.index("scheduled"):
                order = services.order_schedule(order=order, actor=operations, week=week)
            if target >= _PATH.index("built"):
                serial += 1
                order = order_assign_vin(order=order, actor=operations, vin=demo_vin(trim, serial))
            for name in _PATH[_PATH.index("shipped") : target + 1]:
                order = services.order_milestone(order=order, actor=SEEDER, move=_MILESTONES[name])
