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

# The demo partner whose sandbox key seed_demo prints beside its live key.
SANDBOX_PARTNER = "PACRORO"
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
        if partner.code == SANDBOX_PARTNER:
            # The first partner's engineer also gets a sandbox key (docs/partner-api.md, "Sandbox").
            _, key = partner_key_issue(partner=partner, name=DEMO_KEY_NAME, actor=SEEDER, sandbox=True)
            result.api_keys.append({"kind": "partner_sandbox", "owner": partner.code, "key": key})


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


# Demo supply of next month (the month of the demo orders), per model: published before the
# orders are confirmed, so every confirmation reserves a unit and every ledger sums to its quota.
DEMO_SUPPLY = {"CAMRY": 12, "HIGHLANDER": 6, "TUNDRA": 5}


@register(order=35)
def seed_allocations(result: DemoResult) -> None:
    """Next month's supply of each demo model, proposed by the formula and published (once)."""
    import datetime as dt

    from catalog.models import VehicleModel
    from core import clock
    from importorders.models import Supply
    from importorders.services import allocation as alloc

    today = clock.today_jst()
    next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    operations = SEEDER
    for code, units in DEMO_SUPPLY.items():
        model = VehicleModel.objects.filter(code=code).first()
        if model is None or Supply.objects.filter(vehicle_model=model, month=next_month).exists():
            continue
        year = model.model_years.select_related("plant").order_by("-year").first()
        lines = {year.plant if year else None: units}  # the plant of the newest model year
        supply = alloc.supply_set(vehicle_model=model, month=next_month, actor=operations, lines=lines)
        alloc.allocation_propose(supply=supply, actor=operations)
        alloc.allocation_publish(supply=supply, actor=operations, deadline=today + dt.timedelta(days=14))


def seed_allocation_answers() -> None:
    """Tokyo asks for more Highlanders, Osaka declines one: the declined unit goes to Tokyo."""
    import datetime as dt

    from core import clock
    from importorders.models import Allocation, EntryKind

    today = clock.today_jst()
    next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    mine = Allocation.objects.filter(supply__month=next_month, supply__vehicle_model__code="HIGHLANDER")
    tokyo = mine.filter(dealer__code="TKY001").first()
    osaka = mine.filter(dealer__code="OSK001").first()
    if tokyo is None or osaka is None or tokyo.entries.filter(kind=EntryKind.REQUEST).exists():
        return
    from importorders.services import allocation as alloc

    tokyo_manager = Actor.for_user(DealerMembership.objects.get(dealer=tokyo.dealer, role="manager").user)
    osaka_manager = Actor.for_user(DealerMembership.objects.get(dealer=osaka.dealer, role="manager").user)
    alloc.allocation_request(
        allocation=tokyo, actor=tokyo_manager, units=1, reason="Two fleet customers are waiting for a hybrid."
    )
    if osaka.quota > osaka.used:
        alloc.allocation_decline(allocation=osaka, actor=osaka_manager, units=1, reason="Showroom is full.")


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
    seed_allocation_answers()


# Demo shipments: one per demo partner, carrying one dealer's built vehicles, with the events a
# partner would have sent for each vehicle's status (planned times for the whole route, actual times
# up to where the order is, estimates beyond), applied as the apply task would.
DEMO_SHIPMENTS = (
    ("DEMO-PACRORO-1", "PACRORO", "TKY001", "USLGB", "JPMKW", "PACIFIC HARMONY", "PH2611"),
    ("DEMO-MIKAWAPC-1", "MIKAWAPC", "OSK001", "USBAL", "JPMKW", "MIKAWA STAR", "MS0412"),
)
# Days from release at the plant for each milestone of the route.
_DEMO_DAYS = (
    ("released_from_plant", 0),
    ("gate_in_origin_port", 2),
    ("loaded", 4),
    ("vessel_departed", 5),
    ("vessel_arrived", 20),
    ("discharged", 21),
    ("customs_released", 23),
    ("arrived_processing_center", 24),
    ("dispatched_to_dealer", 27),
    ("delivered_to_dealer", 28),
)
# How far along the route a vehicle is, by its order's status (the last milestone with an actual).
_DEMO_REACHED = {
    "built": "gate_in_origin_port",
    "shipped": "vessel_departed",
    "arrived": "discharged",
    "cleared": "discharged",
    "ready": "arrived_processing_center",
    "delivered": "delivered_to_dealer",
}


@register(order=50)
def seed_shipments(result: DemoResult) -> None:
    """A shipment per demo partner with a dealer's built vehicles and their events; skipped once made."""
    import datetime as dt

    from core import clock
    from importorders.models import Shipment, Vehicle
    from importorders.services.events import events_apply_pending, events_receive
    from importorders.services.shipments import shipment_assign, shipment_create

    now = clock.now()
    for reference, partner_code, dealer_code, origin, destination, vessel, voyage in DEMO_SHIPMENTS:
        if Shipment.objects.filter(reference=reference).exists():
            continue
        partner = LogisticsPartner.objects.get(code=partner_code)
        vehicles = list(
            Vehicle.objects.select_related("order").filter(
                order__dealer__code=dealer_code, order__status__in=list(_DEMO_REACHED)
            )
        )
        start = now - dt.timedelta(days=22)
        shipment = shipment_create(
            partner=partner,
            actor=SEEDER,
            reference=reference,
            origin=origin,
            destination=destination,
            vessel=vessel,
            voyage=voyage,
            promised_at_dealer=clock.to_jst(start + dt.timedelta(days=30)).date(),
        )
        events = []
        for vehicle in vehicles:
            reached = [code for code, _ in _DEMO_DAYS].index(_DEMO_REACHED[vehicle.order.status])
            # Release at the plant so that the last actual milestone was yesterday.
            released = now - dt.timedelta(days=_DEMO_DAYS[reached][1] + 1)
            shipment_assign(shipment=shipment, vehicle=vehicle, actor=SEEDER)
            for position, (code, days) in enumerate(_DEMO_DAYS):
                at = released + dt.timedelta(days=days)
                base = {"vin": vehicle.vin, "code": code, "location": destination if days >= 20 else origin}
                events.append(
                    {
                        **base,
                        "event_id": f"{vehicle.vin}-{code}-PLN",
                        "classifier": "PLN",
                        "occurred_at": at.isoformat(),
                    }
                )
                classifier = "ACT" if position <= reached else "EST"
                events.append(
                    {
                        **base,
                        "event_id": f"{vehicle.vin}-{code}-{classifier}",
                        "classifier": classifier,
                        "occurred_at": (at + dt.timedelta(hours=6)).isoformat(),
                    }
                )
        actor = Actor.system("seed_demo")
        events_receive(partner=partner, actor=actor, vocabulary="canonical", version="1", events=events)
        while events_apply_pending(actor=actor):
            pass
