"""Reads of vehicles, always scoped to the caller."""

from __future__ import annotations

from django.db.models import QuerySet

from catalog.errors import VinInvalid
from catalog.vin import vin_normalize
from core.callers import Caller
from core.errors import NotFound
from core.scoping import get_scoped_or_404, scoped, selector
from importorders.models import Order, OrderStatus, Vehicle

# What a vehicle's detail shows, joined in the one query that loads it. The shipment it is on is
# visible to whoever sees the vehicle (a dealer's vehicle's shipment is the dealer's to see).
_VEHICLE_JOINS = (
    "order__dealer",
    "plant",
    "model_year__vehicle_model",
    "trim",
    "color",
    "shipment_assignment__shipment__partner",
)


@selector
def vehicle_list(*, caller: Caller) -> QuerySet[Vehicle]:
    """Vehicles the caller may see (a dealer: those of its orders), with what a detail shows."""
    return scoped(Vehicle, caller).select_related(*_VEHICLE_JOINS)


def vehicle_get(*, caller: Caller, vin: str) -> Vehicle:
    """One vehicle by its VIN as typed (any case, fullwidth accepted); NotFound if not theirs or not a VIN."""
    try:
        normalized = vin_normalize(vin)
    except VinInvalid as exc:
        raise NotFound() from exc
    return get_scoped_or_404(vehicle_list(caller=caller), caller, vin=normalized)


@selector
def vin_queue(*, caller: Caller, model_code: str | None = None, week=None) -> QuerySet[Order]:
    """Scheduled orders awaiting their VIN, earliest production week first (then oldest row), with
    what a row shows: dealer, build, and the plant's VIN letter and WMIs."""
    orders = (
        scoped(Order, caller)
        .filter(status=OrderStatus.SCHEDULED)
        .select_related("dealer", "trim__model_year__vehicle_model", "trim__model_year__plant", "color")
        .prefetch_related("trim__model_year__plant__wmis")
        .order_by("production_week", "id")
    )
    if model_code:
        orders = orders.filter(vehicle_model__code=model_code)
    if week is not None:
        orders = orders.filter(production_week=week)
    return orders
