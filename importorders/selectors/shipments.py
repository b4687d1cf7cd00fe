"""Reads of shipments and their events, always scoped to the caller."""

from __future__ import annotations

from django.db.models import QuerySet

from core.callers import Caller
from core.scoping import scoped, selector
from importorders.models import PartnerEvent, Vehicle


@selector
def vehicle_shipment_events(*, caller: Caller, vehicle: Vehicle) -> QuerySet[PartnerEvent]:
    """The vehicle's applied shipment events that stand (not retracted, not retractions), by time."""
    return (
        scoped(PartnerEvent, caller)
        .filter(vehicle=vehicle, applied_at__isnull=False, retracted=False, retracts="")
        .order_by("occurred_at", "event_id")
    )
