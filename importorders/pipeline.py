"""The order pipeline: every allowed move, in one table, and who makes it.

A move is named by the service that makes it (importorders.services.orders). A status not listed
as a move's source refuses that move with 409 and changes nothing; a move to the status the order
already has is an exact repeat and returns the order unchanged.

The system's steps back (`back=True`: unship, unarrive, unclear, unrelease) are made only when a
logistics partner retracts an actual event that had moved the order (docs/decisions/0005); a
delivered order is final and never goes back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from core.callers import Caller
from importorders.models import Order
from importorders.models import OrderStatus as S

MadeBy = Literal["dealer", "operations", "system"]


@dataclass(frozen=True)
class Move:
    name: str
    sources: frozenset[str]
    target: str
    # What the order has been once the move is made, for messages: "it cannot be <label>".
    label: Promise
    # Who makes it: the order's dealer (its people and keys), operations (or an admin), or the
    # system (shipment milestones).
    made_by: MadeBy
    needs_reason: bool = False
    # A step back along the pipeline (a retracted milestone, docs/decisions/0005).
    back: bool = False


def _move(
    name: str, sources: tuple[str, ...], target: str, label: Promise, made_by: MadeBy, **kwargs
) -> Move:
    return Move(name=name, sources=frozenset(sources), target=target, label=label, made_by=made_by, **kwargs)


# Cancel: until the change cut-off, which the service checks for scheduled orders.
CANCELLABLE = (S.DRAFT, S.SUBMITTED, S.CONFIRMED, S.SCHEDULED)

MOVES: dict[str, Move] = {
    move.name: move
    for move in (
        _move("submit", (S.DRAFT,), S.SUBMITTED, pgettext_lazy("order move", "submitted"), "dealer"),
        _move("confirm", (S.SUBMITTED,), S.CONFIRMED, pgettext_lazy("order move", "confirmed"), "operations"),
        _move(
            "reject",
            (S.SUBMITTED,),
            S.REJECTED,
            pgettext_lazy("order move", "rejected"),
            "operations",
            needs_reason=True,
        ),
        _move(
            "schedule", (S.CONFIRMED,), S.SCHEDULED, pgettext_lazy("order move", "scheduled"), "operations"
        ),
        # Made by VIN assignment (orders/{reference}/assign-vin/, importorders.services.vehicles).
        _move("build", (S.SCHEDULED,), S.BUILT, pgettext_lazy("order move", "marked as built"), "operations"),
        _move("ship", (S.BUILT,), S.SHIPPED, pgettext_lazy("order move", "shipped"), "system"),
        _move("arrive", (S.SHIPPED,), S.ARRIVED, pgettext_lazy("order move", "marked as arrived"), "system"),
        _move(
            "clear", (S.ARRIVED,), S.CLEARED, pgettext_lazy("order move", "cleared through customs"), "system"
        ),
        _move(
            "release", (S.CLEARED,), S.READY, pgettext_lazy("order move", "released for delivery"), "system"
        ),
        _move("deliver", (S.READY,), S.DELIVERED, pgettext_lazy("order move", "delivered"), "system"),
        # Steps back, one at a time, when a partner retracts the milestone that moved the order.
        _move(
            "unrelease",
            (S.READY,),
            S.CLEARED,
            pgettext_lazy("order move", "taken back from release"),
            "system",
            back=True,
        ),
        _move(
            "unclear",
            (S.CLEARED,),
            S.ARRIVED,
            pgettext_lazy("order move", "taken back to arrived"),
            "system",
            back=True,
        ),
        _move(
            "unarrive",
            (S.ARRIVED,),
            S.SHIPPED,
            pgettext_lazy("order move", "taken back to shipped"),
            "system",
            back=True,
        ),
        _move(
            "unship",
            (S.SHIPPED,),
            S.BUILT,
            pgettext_lazy("order move", "taken back to built"),
            "system",
            back=True,
        ),
        _move(
            "cancel",
            CANCELLABLE,
            S.CANCELLED,
            pgettext_lazy("order move", "cancelled"),
            "dealer",
            needs_reason=True,
        ),
    )
}

# The moves the REST API offers so far (orders/{reference}/<API name>/); the others come with
# shipments. A move's API name is its own, except where API_NAMES says otherwise.
API_NAMES = {"build": "assign-vin"}
API_MOVES = ("submit", "confirm", "reject", "schedule", "assign-vin", "cancel")

# Amended freely (re-validated, re-priced) only before confirmation.
AMENDABLE = frozenset({S.DRAFT, S.SUBMITTED})
# After confirmation and until the cut-off, colour and port-installed options change by request.
CHANGE_REQUESTABLE = frozenset({S.CONFIRMED, S.SCHEDULED})
FINAL = frozenset({S.DELIVERED, S.REJECTED, S.CANCELLED})


# (from, to) of each step back: how a recorded move is told from a forward one (notifications, webhooks).
BACK_STEPS = frozenset(
    (source, move.target) for move in MOVES.values() if move.back for source in move.sources
)
# The step back out of each status (importorders.services.events).
MOVE_BACK_FROM = {source: move.name for move in MOVES.values() if move.back for source in move.sources}


def is_step_back(from_status: str, to_status: str) -> bool:
    """Whether a recorded move from `from_status` to `to_status` is one of the system's steps back."""
    return (from_status, to_status) in BACK_STEPS


# What a recorded step back is called where people and partners hear of moves.
MOVED_BACK = "order.moved_back"


def move_event_name(from_status: str, to_status: str) -> str:
    """The name a recorded move goes by for the dealer's notifications and the webhooks:
    `order.<new status>`, or `order.moved_back` for a step back (nothing was built again)."""
    return MOVED_BACK if is_step_back(from_status, to_status) else f"order.{to_status}"


def allowed_moves(status: str) -> list[str]:
    """The names of the moves an order in `status` may make, in pipeline order."""
    return [move.name for move in MOVES.values() if status in move.sources]


def order_cutoff(order: Order) -> dt.date | None:
    """The last day (Japan) the order may be cancelled or changed; None before it is scheduled."""
    if order.production_week is None:
        return None
    days = order.trim.model_year.vehicle_model.change_cutoff_days
    return order.production_week - dt.timedelta(days=days)


def is_past_cutoff(order: Order, today: dt.date) -> bool:
    """Whether `today` (Japan) is after the order's change cut-off."""
    cutoff = order_cutoff(order)
    return cutoff is not None and today > cutoff


def may_make(caller: Caller, move: Move) -> bool:
    """Whether the caller's role makes `move` (visibility of the order is checked before this)."""
    if move.made_by == "dealer":
        return caller.is_dealer
    if move.made_by == "operations":
        return caller.is_operations
    return False


def moves_for(caller: Caller, order: Order, today: dt.date) -> list[str]:
    """The moves the API offers this caller on the order now (by their API names), in pipeline order."""
    return [
        API_NAMES.get(name, name)
        for name in allowed_moves(order.status)
        if API_NAMES.get(name, name) in API_MOVES
        and may_make(caller, MOVES[name])
        and not (name == "cancel" and is_past_cutoff(order, today))
    ]
