"""order_milestone: the system's moves from built to delivered, through the one move machinery."""

from __future__ import annotations

import pytest

from core.actors import Actor
from core.errors import Conflict
from importorders.models import OrderStatus
from importorders.services import orders as services
from importorders.services import vehicles
from tests.factories import DealerFactory
from tests.importorders.vins import scheduled, vin_for, vin_plant  # noqa: F401

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("shipment_events")


@pytest.fixture
def built(camry, vin_plant):  # noqa: F811
    order = scheduled(DealerFactory(code="TKY001"), camry)
    return vehicles.order_assign_vin(order=order, actor=Actor.system("clerk"), vin=vin_for(42))


def test_each_milestone_moves_one_step_with_an_event_by_the_system(built):
    order = built
    for move, status in (
        ("ship", OrderStatus.SHIPPED),
        ("arrive", OrderStatus.ARRIVED),
        ("clear", OrderStatus.CLEARED),
        ("release", OrderStatus.READY),
        ("deliver", OrderStatus.DELIVERED),
    ):
        order = services.order_milestone(order=order, actor=SYSTEM, move=move)
        assert order.status == status
        event = order.events.get(kind="moved", to_status=status)
        assert (event.actor_kind, event.actor_ref) == ("system", "shipment_events")


def test_a_milestone_out_of_order_is_409_and_changes_nothing(built):
    with pytest.raises(Conflict) as raised:
        services.order_milestone(order=built, actor=SYSTEM, move="deliver")
    assert raised.value.code == "move_not_allowed"
    built.refresh_from_db()
    assert built.status == OrderStatus.BUILT
    assert not built.events.filter(to_status=OrderStatus.DELIVERED).exists()


def test_a_repeat_is_exact_and_writes_nothing(built):
    shipped = services.order_milestone(order=built, actor=SYSTEM, move="ship")
    count = shipped.events.count()
    again = services.order_milestone(order=shipped, actor=SYSTEM, move="ship")
    assert again.status == OrderStatus.SHIPPED
    assert again.events.count() == count


@pytest.mark.parametrize("move", ["submit", "confirm", "cancel", "build"])
def test_only_system_moves_go_through_it(built, move):
    with pytest.raises(ValueError, match="not a system move"):
        services.order_milestone(order=built, actor=SYSTEM, move=move)


def test_only_the_system_makes_them(built, django_user_model):
    person = Actor.for_user(django_user_model.objects.create_user("clerk"))
    with pytest.raises(ValueError, match="the system's"):
        services.order_milestone(order=built, actor=person, move="ship")


def test_an_order_keeps_its_trims_model_through_create_amend_and_a_bare_trim_id(camry, vin_plant):  # noqa: F811
    order = scheduled(DealerFactory(code="TKY002"), camry)
    assert order.vehicle_model_id == camry.model.pk
    other_year_trim = camry.other_trim
    # A trim set by id alone (no loaded trim) still brings its model.
    order.trim_id = other_year_trim.pk
    order.save()
    order.refresh_from_db()
    assert order.vehicle_model_id == other_year_trim.model_year.vehicle_model_id
