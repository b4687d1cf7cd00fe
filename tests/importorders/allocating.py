"""Published allocations for tests that confirm orders (confirmation reserves a unit of one).

    svc.order_confirm(order=allow(order), actor=TEST_ACTOR)

`allow` makes sure the order's dealer has a published quota of at least `units` for the order's
model and month, through the allocation services (supply, proposal, override, publication), so the
ledger of every allocation it touches still sums to its quota.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F

from importorders.models import Allocation, Order, Supply, SupplyLine, SupplyStatus
from importorders.services import allocation as alloc
from tests.clock import today
from tests.factories import TEST_ACTOR


def quota(*, dealer, vehicle_model, month: dt.date, units: int = 20) -> Allocation:
    """The dealer's published allocation of the model and month, with a quota of at least `units`."""
    supply = Supply.objects.filter(vehicle_model=vehicle_model, month=month).first()
    if supply is None or supply.status != SupplyStatus.PUBLISHED:
        supply = alloc.supply_set(
            vehicle_model=vehicle_model, month=month, actor=TEST_ACTOR, lines={None: units}
        )
        allocations = alloc.allocation_propose(supply=supply, actor=TEST_ACTOR)
        changes = {a.dealer: 0 for a in allocations if a.dealer_id != dealer.pk}
        changes[dealer] = units
        alloc.allocation_override(supply=supply, actor=TEST_ACTOR, changes=changes, reason="test quota")
        alloc.allocation_publish(supply=supply, actor=TEST_ACTOR, deadline=today() + dt.timedelta(days=7))
        return Allocation.objects.get(supply=supply, dealer=dealer)
    current = Allocation.objects.filter(supply=supply, dealer=dealer).first()
    have = current.quota if current else 0
    if have < units:
        line = supply.lines.order_by("pk").first()
        SupplyLine.objects.filter(pk=line.pk).update(units=F("units") + (units - have))
        alloc.allocation_override(
            supply=supply, actor=TEST_ACTOR, changes={dealer: units}, reason="test quota"
        )
    return Allocation.objects.get(supply=supply, dealer=dealer)


def allow(order: Order, units: int = 20) -> Order:
    """The order, once its dealer has a published quota for its model and month (see `quota`) with
    room for it: at least `units`, and enough units left for its place in the queue."""
    where = {
        "dealer": order.dealer,
        "vehicle_model": order.trim.model_year.vehicle_model,
        "month": order.requested_month,
    }
    allocation = quota(**where, units=units)
    needed = allocation.used + (alloc.queue_position(order) or 1)
    if allocation.quota < needed:
        quota(**where, units=needed + units)
    return order
