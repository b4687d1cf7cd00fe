"""Vehicle exceptions and the release gates: raised once per open fact, resolved with a reason,
blocking release (409 naming the problem) until resolved, then released by the resolution."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from core.actors import Actor
from core.errors import Conflict, ValidationFailed
from importorders import gates
from importorders.identity import caller_for_user
from importorders.models import ExceptionStatus, OrderStatus, VehicleException
from importorders.services import exceptions as svc
from importorders.services import orders as services
from importorders.services import vehicles
from tests.factories import DealerFactory
from tests.importorders.vins import scheduled, vin_for, vin_plant  # noqa: F401

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("shipment_events")


def _cleared(dealer, camry):
    order = scheduled(dealer, camry)
    order = vehicles.order_assign_vin(order=order, actor=Actor.system("clerk"), vin=vin_for(7))
    for move in ("ship", "arrive", "clear"):
        order = services.order_milestone(order=order, actor=SYSTEM, move=move)
    return order


@pytest.fixture
def cleared(camry, vin_plant):  # noqa: F811
    return _cleared(DealerFactory(code="TKY001"), camry)


@pytest.fixture
def clerk(django_user_model):
    return Actor.for_user(django_user_model.objects.create_user("clerk"))


def test_raising_the_same_open_fact_twice_creates_one_exception(cleared):
    vehicle = cleared.vehicle
    first, created = svc.exception_raise(vehicle=vehicle, kind="damage", actor=SYSTEM, key="entry-1")
    again, created_again = svc.exception_raise(vehicle=vehicle, kind="damage", actor=SYSTEM, key="entry-1")
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert first.blocks_release is True
    assert cleared.events.filter(kind="exception_raised").count() == 1


def test_the_database_keeps_one_open_exception_per_fact(cleared):
    svc.exception_raise(vehicle=cleared.vehicle, kind="customs_hold", actor=SYSTEM, key="h")
    duplicate = VehicleException(vehicle=cleared.vehicle, kind="customs_hold", key="h")
    duplicate.actor_fill(SYSTEM)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_an_open_damage_blocks_release_with_409_naming_it_and_nothing_changes(cleared):
    svc.exception_raise(vehicle=cleared.vehicle, kind="damage", actor=SYSTEM, key="e1")
    with pytest.raises(Conflict) as raised:
        services.order_milestone(order=cleared, actor=SYSTEM, move="release")
    assert raised.value.code == "release_blocked"
    assert [d["code"] for d in raised.value.details] == ["damage_open"]
    cleared.refresh_from_db()
    assert cleared.status == OrderStatus.CLEARED
    # The attempt leaves it where it is, without raising.
    assert services.order_release_attempt(order=cleared, actor=SYSTEM).status == OrderStatus.CLEARED


def test_a_non_blocking_exception_does_not_hold_the_release(cleared):
    svc.exception_raise(vehicle=cleared.vehicle, kind="stale", actor=SYSTEM, key="since")
    assert services.order_milestone(order=cleared, actor=SYSTEM, move="release").status == OrderStatus.READY


def test_resolving_needs_a_reason_and_a_resolution(cleared, clerk):
    exception, _ = svc.exception_raise(vehicle=cleared.vehicle, kind="damage", actor=SYSTEM)
    with pytest.raises(ValidationFailed):
        svc.exception_resolve(exception=exception, actor=clerk, resolution="repaired", reason="  ")
    with pytest.raises(ValidationFailed):
        svc.exception_resolve(exception=exception, actor=clerk, resolution="ignored", reason="x")
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.OPEN


def test_resolving_the_last_blocking_exception_releases_the_cleared_order(
    cleared, clerk, django_capture_on_commit_callbacks
):
    exception, _ = svc.exception_raise(vehicle=cleared.vehicle, kind="damage", actor=SYSTEM)
    with django_capture_on_commit_callbacks(execute=True):
        resolved = svc.exception_resolve(
            exception=exception, actor=clerk, resolution="repaired", reason="Scratch polished out."
        )
    assert (resolved.resolver_kind, resolved.resolver_ref) == ("user", clerk.ref)
    assert resolved.resolved_at is not None
    cleared.refresh_from_db()
    assert cleared.status == OrderStatus.READY
    kinds = list(cleared.events.values_list("kind", flat=True))
    assert "exception_resolved" in kinds
    released = cleared.events.get(to_status=OrderStatus.READY)
    assert released.actor_kind == "system"
    # A repeat with the same resolution returns it; another resolution is 409.
    assert svc.exception_resolve(exception=resolved, actor=clerk, resolution="repaired", reason="x").pk
    with pytest.raises(Conflict):
        svc.exception_resolve(exception=resolved, actor=clerk, resolution="claimed", reason="x")


def test_a_registered_gate_is_asked_and_names_who_must_act(cleared, monkeypatch):
    monkeypatch.setattr(gates, "_gates", dict(gates._gates))
    gates.register_release_gate(
        "file",
        lambda order: [
            gates.GateProblem(gate="file", code="document_missing", message="x", next_actor="dealer")
        ],
    )
    with pytest.raises(Conflict) as raised:
        services.order_milestone(order=cleared, actor=SYSTEM, move="release")
    assert raised.value.details == [
        {"code": "document_missing", "gate": "file", "message": "x", "next_actor": "dealer"}
    ]


def test_a_dealer_sees_only_its_own_vehicles_exceptions(world, camry, vin_plant):  # noqa: F811
    order = _cleared(world.dealer, camry)
    svc.exception_raise(vehicle=order.vehicle, kind="damage", actor=SYSTEM)
    assert VehicleException.objects.restrict(caller_for_user(world.users["operations"])).count() == 1
    assert VehicleException.objects.restrict(caller_for_user(world.users["dealer_sales"])).count() == 1
    assert VehicleException.objects.restrict(caller_for_user(world.users["other_dealer"])).count() == 0
