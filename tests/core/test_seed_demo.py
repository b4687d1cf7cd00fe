"""seed_demo keeps its contract: one JSON object on stdout, idempotent, fresh passwords each run."""

import io
import json

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

ROLES = {"dealer_manager", "dealer_sales", "operations", "compliance", "admin"}


def _seed_json() -> dict:
    out = io.StringIO()
    call_command("seed_demo", "--json", "--force", stdout=out)
    return json.loads(out.getvalue())  # fails if anything but one JSON object was printed


def test_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_demo", stdout=io.StringIO())


def test_json_output_has_exactly_the_contract_shape():
    data = _seed_json()

    assert set(data) == {"users", "api_keys"}
    for user in data["users"]:
        assert set(user) == {"username", "password", "role", "dealer"}
        assert user["role"] in ROLES
    for key in data["api_keys"]:
        assert set(key) == {"kind", "owner", "key"}
        assert key["kind"] in {"dealer", "partner", "partner_sandbox"}
    roles = sorted((user["role"], user["dealer"]) for user in data["users"])
    assert roles == [
        ("admin", None),
        ("compliance", None),
        ("dealer_manager", "OSK001"),
        ("dealer_manager", "TKY001"),
        ("dealer_sales", "OSK001"),
        ("dealer_sales", "TKY001"),
        ("operations", None),
    ]
    assert sorted((key["kind"], key["owner"]) for key in data["api_keys"]) == [
        ("dealer", "TKY001"),
        ("partner", "MIKAWAPC"),
        ("partner", "PACRORO"),
        ("partner_sandbox", "PACRORO"),
    ]


def test_every_printed_key_authenticates_as_its_owner():
    from rest_framework.test import APIClient

    for key in _seed_json()["api_keys"]:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key['key']}")
        me = client.get("/api/v1/me/").json()
        sandbox = key["kind"] == "partner_sandbox"
        assert me["partner" if sandbox else key["kind"]] == key["owner"], key
        assert me["sandbox"] is sandbox, key


def test_dealer_users_belong_to_their_dealer_with_their_role():
    from importorders.models import DealerMembership

    for user in _seed_json()["users"]:
        if user["dealer"]:
            membership = DealerMembership.objects.select_related("dealer").get(
                user__username=user["username"]
            )
            assert (membership.dealer.code, f"dealer_{membership.role}") == (user["dealer"], user["role"])


def test_every_printed_password_logs_in():
    for user in _seed_json()["users"]:
        signed_in = authenticate(username=user["username"], password=user["password"])
        assert getattr(signed_in, "username", None) == user["username"]


def test_a_second_run_creates_no_duplicates_and_issues_fresh_passwords():
    first = _seed_json()
    users_after_first = get_user_model().objects.count()

    second = _seed_json()

    assert get_user_model().objects.count() == users_after_first
    assert [u["username"] for u in first["users"]] == [u["username"] for u in second["users"]]
    from importorders.models import Dealer, DealerAPIKey, LogisticsPartner, PartnerAPIKey

    assert (Dealer.objects.count(), LogisticsPartner.objects.count()) == (2, 2)
    assert (DealerAPIKey.objects.count(), PartnerAPIKey.objects.count()) == (1, 3)
    for before, after in zip(first["api_keys"], second["api_keys"], strict=True):
        assert before["key"] != after["key"]
    for before, after in zip(first["users"], second["users"], strict=True):
        assert before["password"] != after["password"]
        assert authenticate(username=before["username"], password=before["password"]) is None


def test_refuses_a_database_other_than_the_embedded_default_unless_forced(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr("core.management.commands.seed_demo.embedded_default_database", lambda: False)
    users = get_user_model().objects.count()

    with pytest.raises(CommandError, match="other than the embedded SQLite default"):
        call_command("seed_demo", stdout=io.StringIO())

    assert get_user_model().objects.count() == users


def test_the_demo_has_an_order_at_every_status_for_both_dealers_with_valid_vins():
    from catalog.vin import vin_validate
    from importorders.models import Order, OrderEvent, OrderStatus, Vehicle

    _seed_json()
    for dealer in ("TKY001", "OSK001"):
        statuses = set(Order.objects.filter(dealer__code=dealer).values_list("status", flat=True))
        assert statuses == set(OrderStatus.values), dealer
    built = Order.objects.exclude(
        status__in=["draft", "submitted", "confirmed", "scheduled", "rejected", "cancelled"]
    )
    assert Vehicle.objects.count() == built.count() == 12
    for vehicle in Vehicle.objects.select_related("order__trim__model_year__plant"):
        plant = vehicle.order.trim.model_year.plant
        assert vin_validate(
            vehicle.vin,
            wmis=plant.wmis.values_list("wmi", flat=True),
            plant_letter=plant.vin_plant_letter,
            model_year=vehicle.order.trim.model_year.year,
        )
    # Every move was made through the services: each order's events walk its whole path.
    delivered = Order.objects.filter(status="delivered").first()
    moved = list(delivered.events.filter(kind=OrderEvent.Kind.MOVED).values_list("to_status", flat=True))
    assert moved[-1] == "delivered"
    assert len(moved) == 9  # submitted ... delivered

    _seed_json()
    assert Order.objects.count() == 24  # a rerun adds none


def test_json_stays_alone_on_stdout_when_the_demo_sends_notifications(settings, capfd):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    call_command("seed_demo", "--json", "--force")
    out = capfd.readouterr().out
    json.loads(out)  # one JSON object, nothing else: no e-mail printed on stdout


def test_every_demo_dealers_ledger_sums_to_its_quota_and_use_for_every_month():
    from importorders.models import Allocation
    from importorders.models.allocation import QUOTA_KINDS, USE_KINDS

    _seed_json()
    allocations = list(Allocation.objects.prefetch_related("entries"))
    assert allocations, "the demo publishes allocations"
    for allocation in allocations:
        entries = [(entry.kind, entry.units) for entry in allocation.entries.all()]
        quota = sum(units for kind, units in entries if kind in QUOTA_KINDS)
        used = sum(units for kind, units in entries if kind in USE_KINDS)
        assert (quota, used) == (allocation.quota, allocation.used), allocation
