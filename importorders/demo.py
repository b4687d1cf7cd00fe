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
