"""Reads of orders and their events, always scoped to the caller."""

from __future__ import annotations

from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from core.callers import Caller
from core.scoping import get_scoped_or_404, scoped, selector
from importorders.models import Order, OrderEvent
from importorders.models.orders import reference_normalize

# What an order's row and detail show, joined in the one query that loads them.
_ORDER_JOINS = ("dealer", "trim__model_year__vehicle_model", "color")

# How a dealer sees an actor from outside the dealer: by kind, never by name or id.
_OUTSIDE_LABELS = {"user": _("Importer staff"), "partner_key": _("Logistics partner")}


@selector
def order_list(*, caller: Caller) -> QuerySet[Order]:
    """Orders the caller may see, newest first, with the build and dealer a row shows."""
    return scoped(Order, caller).select_related(*_ORDER_JOINS).order_by("-created_at", "-id")


def order_get(*, caller: Caller, reference: str, with_vehicle: bool = False) -> Order:
    """One order by its reference as a person types it (any case, hyphen optional); NotFound if not theirs.

    `with_vehicle` joins its vehicle and the vehicle's plant (the order page's header shows them).
    """
    orders = order_list(caller=caller)
    if with_vehicle:
        orders = orders.select_related("vehicle__plant")
    return get_scoped_or_404(orders, caller, reference=reference_normalize(reference))


@selector
def order_event_list(*, caller: Caller, order: Order) -> QuerySet[OrderEvent]:
    """The order's timeline, oldest first, with the acting user's dealer (for `order_event_actor`)."""
    return (
        scoped(OrderEvent, caller)
        .filter(order=order)
        .annotate(actor_dealer_id=F("actor_user__dealer_membership__dealer_id"))
        .order_by("at", "id")
    )


def order_event_actor(event: OrderEvent, caller: Caller) -> dict[str, str]:
    """Who made the event, as this caller may see it.

    The back office sees every actor as recorded. A dealer sees its own people and keys by name and
    the system by its job; anyone else (importer staff, a logistics partner) only by kind: never a
    name, an id or an address from outside the dealer.
    """
    kind, label = event.actor_kind, event.actor_label
    if caller.is_back_office or kind in ("system", "dealer_key"):
        # A dealer key acts only on its own dealer's orders.
        return {"kind": kind, "label": label}
    own_person = kind == "user" and caller.is_dealer and event.actor_dealer_id == caller.dealer_id
    if own_person:
        return {"kind": kind, "label": label}
    return {"kind": kind, "label": str(_OUTSIDE_LABELS.get(kind, kind))}
