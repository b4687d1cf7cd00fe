"""Every write names its actor, and history rows record it: a person, a dealer key, a partner key
or the system. A key is never stored as a user."""

import io

import pytest
from celery import shared_task
from django.core.management import call_command

from core.actors import Actor
from importorders.models import Dealer, LogisticsPartner
from importorders.services.dealers import DealerChanges, dealer_update
from tests.factories import DEFAULT_PASSWORD, DealerFactory


def _actor(row) -> tuple[str, str, str, object]:
    return (row.history_actor_kind, row.history_actor_ref, row.history_actor_label, row.history_user)


@pytest.mark.urls("tests.importorders.actor_urls")
@pytest.mark.django_db
def test_a_dealer_key_write_answers_2xx_and_its_history_names_the_key(world):
    response = world.client("dealer_key").post("/api/v1/test/dealer-phone/", {"phone": "03-1111-2222"})

    assert response.status_code == 200
    latest = Dealer.history.filter(id=world.dealer.pk).latest()
    prefix = world.keys["dealer_key"].split(".")[0]
    assert (latest.phone, latest.history_type, latest.history_change_reason) == (
        "03-1111-2222",
        "~",
        "updated",
    )
    assert _actor(latest) == ("dealer_key", prefix, f"{world.dealer.name_en} (dms)", None)


@pytest.mark.urls("tests.importorders.actor_urls")
@pytest.mark.django_db
def test_a_partner_key_write_through_the_request_records_the_key(world):
    response = world.client("partner").post("/api/v1/test/partner-name/", {"name_en": "Pacific RoRo"})

    assert response.status_code == 200
    latest = LogisticsPartner.history.filter(id=world.partner.pk).latest()
    prefix = world.keys["partner"].split(".")[0]
    assert latest.name_en == "Pacific RoRo"
    assert _actor(latest) == ("partner_key", prefix, f"{world.partner.name_en} (edi)", None)


@pytest.mark.urls("tests.importorders.actor_urls")
@pytest.mark.django_db
def test_a_session_write_records_the_person(world):
    response = world.client("dealer_manager").post("/api/v1/test/dealer-phone/", {"phone": "03-3333-4444"})

    assert response.status_code == 200
    manager = world.users["dealer_manager"]
    latest = Dealer.history.filter(id=world.dealer.pk).latest()
    assert _actor(latest) == ("user", str(manager.pk), manager.username, manager)


@pytest.mark.django_db
def test_operations_editing_a_dealer_in_the_api_and_the_admin_are_recorded_as_themselves(world, client):
    ops = world.users["operations"]
    response = world.client("operations").patch(
        f"/api/v1/dealers/{world.dealer.code}/", {"phone": "03-5555-6666"}, format="json"
    )
    assert response.status_code == 200
    assert _actor(Dealer.history.filter(id=world.dealer.pk).latest()) == (
        "user",
        str(ops.pk),
        ops.username,
        ops,
    )

    admin = world.users["admin"]
    client.login(username=admin.username, password=DEFAULT_PASSWORD)
    form = {
        "code": world.dealer.code,
        "name_ja": world.dealer.name_ja,
        "name_en": "Renamed in the admin",
        "prefecture": "13",
        "address": "",
        "phone": "",
        "active": "on",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    response = client.post(f"/admin/importorders/dealer/{world.dealer.pk}/change/", form)
    assert response.status_code == 302, response.content[:2000]
    latest = Dealer.history.filter(id=world.dealer.pk).latest()
    assert latest.name_en == "Renamed in the admin"
    assert _actor(latest) == ("user", str(admin.pk), admin.username, admin)


@shared_task(name="tests.dealer_deactivate")
def dealer_deactivate(dealer_id: int) -> str:
    """A task: loads by id, calls the service as the system."""
    dealer = Dealer.objects.get(pk=dealer_id)
    dealer_update(
        dealer=dealer, actor=Actor.system("tests.dealer_deactivate"), changes=DealerChanges(active=False)
    )
    return dealer.code


@pytest.mark.celery_worker
def test_a_task_on_a_real_worker_records_the_system(worker_queue):
    dealer = DealerFactory()

    result = dealer_deactivate.apply_async(args=[dealer.pk], queue=worker_queue)

    assert result.get(timeout=30) == dealer.code
    latest = Dealer.history.filter(id=dealer.pk).latest()
    assert latest.active is False
    assert _actor(latest) == ("system", "tests.dealer_deactivate", "tests.dealer_deactivate", None)


@pytest.mark.django_db
def test_rows_written_outside_any_service_request_or_job_say_so():
    dealer = DealerFactory()

    created = Dealer.history.get(id=dealer.pk)

    assert _actor(created) == ("system", "unattributed", "unattributed", None)


@pytest.mark.django_db
def test_seed_demo_records_itself():
    call_command("seed_demo", "--force", "--json", stdout=io.StringIO())

    assert set(Dealer.history.values_list("history_actor_kind", "history_actor_ref").distinct()) == {
        ("system", "seed_demo")
    }
