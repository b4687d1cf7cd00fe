"""Reads of change requests, always scoped to the caller: an order's requests and the back office's queue."""

from __future__ import annotations

from types import SimpleNamespace

from django.db.models import F, QuerySet

from core.callers import Caller
from core.scoping import get_scoped_or_404, scoped, selector
from importorders.models import ChangeRequest, ChangeRequestStatus, Order
from importorders.selectors.orders import order_event_actor

_ACTOR_DEALERS = {
    "requested_by_dealer_id": F("requested_by_user__dealer_membership__dealer_id"),
    "decided_by_dealer_id": F("decided_by_user__dealer_membership__dealer_id"),
}


@selector
def change_request_list(*, caller: Caller, order: Order) -> QuerySet[ChangeRequest]:
    """The order's change requests, newest first, with their colours and each actor's dealer."""
    return (
        scoped(ChangeRequest, caller)
        .filter(order=order)
        .select_related("color_before", "color_after")
        .annotate(**_ACTOR_DEALERS)
        .order_by("-created_at", "-id")
    )


def change_request_get(*, caller: Caller, order: Order, pk: int | str) -> ChangeRequest:
    """One request of the order by its id; NotFound if it is not the caller's or not this order's."""
    request = get_scoped_or_404(change_request_list(caller=caller, order=order), caller, pk=pk)
    request.order = order  # the order the caller loaded: not read a second time
    return request


@selector
def change_request_queue(
    *, caller: Caller, model: str | None = None, dealer: str | None = None
) -> QuerySet[ChangeRequest]:
    """Pending requests, oldest first (first in, first out), with the order, its dealer and build."""
    queryset = (
        scoped(ChangeRequest, caller)
        .filter(status=ChangeRequestStatus.PENDING)
        .select_related(
            "order__dealer", "order__trim__model_year__vehicle_model", "color_before", "color_after"
        )
        .order_by("created_at", "id")
    )
    if model:
        queryset = queryset.filter(order__vehicle_model__code=model)
    if dealer:
        queryset = queryset.filter(order__dealer__code=dealer)
    return queryset


def change_request_actor(request: ChangeRequest, which: str, caller: Caller) -> dict[str, str] | None:
    """Who asked (`requested_by`) or decided (`decided_by`), as this caller may see them (as events)."""
    kind = getattr(request, f"{which}_kind")
    if not kind:
        return None
    shown = SimpleNamespace(
        actor_kind=kind,
        actor_label=getattr(request, f"{which}_label"),
        actor_dealer_id=getattr(request, f"{which}_dealer_id", None),
    )
    return order_event_actor(shown, caller)
