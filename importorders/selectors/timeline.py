"""A vehicle's one timeline: its order's events, its shipment's events (planned, estimated, actual)
and the facts registered sources add (importorders.timeline_sources: compliance milestones,
inspections, exceptions), oldest first; and where on its route the vehicle is now.

The API (`GET vehicles/{vin}/`) and the vehicle page read the same list. Entries have the shape of
an order event (an unsaved OrderEvent) so that one serializer and one actor rule serve them all; a
shipment event carries `shipment_event`, a registered fact `timeline_fact`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F
from django.utils.translation import pgettext_lazy

from core import clock
from core.callers import Caller
from core.scoping import scoped
from importorders.models import (
    HandoverInspection,
    Milestone,
    OrderEvent,
    PartnerEvent,
    ShipmentMilestone,
    Vehicle,
    VehicleException,
)
from importorders.selectors.orders import order_event_list
from importorders.selectors.shipments import vehicle_shipment_events
from importorders.timeline_sources import TimelineFact, timeline_facts


def shipment_timeline_entry(fact: PartnerEvent) -> OrderEvent:
    """A shipment event in the shape of a timeline entry (an unsaved OrderEvent carrying the fact)."""
    entry = OrderEvent(
        kind="shipment_event",
        at=fact.occurred_at,
        reason=fact.remarks,
        changes={"event_id": fact.event_id, "vessel": fact.vessel, "voyage": fact.voyage},
        actor_kind=fact.actor_kind,
        actor_ref=fact.actor_ref,
        actor_label=fact.actor_label,
    )
    entry.shipment_event = fact
    entry.actor_dealer_id = None
    return entry


def fact_timeline_entry(fact: TimelineFact) -> OrderEvent:
    """A registered source's fact in the shape of a timeline entry."""
    entry = OrderEvent(
        kind=fact.kind,
        at=fact.at,
        reason=fact.reason,
        changes=fact.changes,
        actor_kind=fact.actor_kind,
        actor_ref=fact.actor_ref,
        actor_label=fact.actor_label,
    )
    entry.timeline_fact = fact
    entry.actor_dealer_id = fact.actor_dealer_id
    return entry


def vehicle_timeline(*, caller: Caller, vehicle: Vehicle, today: dt.date | None = None) -> list[OrderEvent]:
    """Every entry of the vehicle's timeline the caller may see, oldest first (ties keep the order:
    order events, shipment events, then the sources' facts). Queries do not grow with the entries."""
    today = today or clock.today_jst()
    entries = list(order_event_list(caller=caller, order=vehicle.order)) if vehicle.order_id else []
    entries += [
        shipment_timeline_entry(fact) for fact in vehicle_shipment_events(caller=caller, vehicle=vehicle)
    ]
    entries += [
        fact_timeline_entry(fact) for fact in timeline_facts(vehicle=vehicle, caller=caller, today=today)
    ]
    return sorted(entries, key=lambda entry: entry.at)


def entry_source(entry: OrderEvent) -> str:
    """`order`, `shipment`, or the registered fact's source (`compliance`)."""
    if getattr(entry, "shipment_event", None) is not None:
        return "shipment"
    fact = getattr(entry, "timeline_fact", None)
    return fact.source if fact is not None else "order"


# The route strip: the stops a vehicle passes, and the milestone that puts it at each.
STOPS = (
    ("plant", pgettext_lazy("route stop", "Plant")),
    ("port_of_loading", pgettext_lazy("route stop", "Port of loading")),
    ("vessel", pgettext_lazy("route stop", "Vessel")),
    ("port_of_discharge", pgettext_lazy("route stop", "Port of discharge")),
    ("processing_centre", pgettext_lazy("route stop", "Processing centre")),
    ("dealer", pgettext_lazy("route stop", "Dealer")),
)
# Where the current milestone puts the vehicle: (stop index, there now; False: on its way to it).
_POSITION = {
    "": (0, True),
    Milestone.RELEASED_FROM_PLANT: (1, False),
    Milestone.GATE_IN_ORIGIN_PORT: (1, True),
    Milestone.LOADED: (2, True),
    Milestone.VESSEL_DEPARTED: (2, True),
    Milestone.VESSEL_ARRIVED: (3, True),
    Milestone.DISCHARGED: (3, True),
    Milestone.CUSTOMS_HOLD: (3, True),
    Milestone.CUSTOMS_RELEASED: (3, True),
    Milestone.ARRIVED_PROCESSING_CENTER: (4, True),
    Milestone.DISPATCHED_TO_DEALER: (5, False),
    Milestone.DELIVERED_TO_DEALER: (5, True),
}
# The milestone whose time each stop shows (arrival there).
_STOP_MILESTONE = {
    "port_of_loading": Milestone.GATE_IN_ORIGIN_PORT,
    "vessel": Milestone.VESSEL_DEPARTED,
    "port_of_discharge": Milestone.VESSEL_ARRIVED,
    "processing_centre": Milestone.ARRIVED_PROCESSING_CENTER,
    "dealer": Milestone.DELIVERED_TO_DEALER,
}


@dataclass(frozen=True)
class RouteStop:
    """One stop of the route strip: what and where, passed / current / ahead, and its best-known time."""

    code: str
    label: str
    place: str
    state: str  # "passed", "current" (there now), "heading" (on the way to it), "ahead"
    at: dt.datetime | dt.date | None
    classifier: str  # "ACT", "EST", "PLN" or "" (no time known)


def vehicle_route(*, caller: Caller, vehicle: Vehicle) -> list[RouteStop]:
    """The route strip of the vehicle: plant, port of loading, vessel, port of discharge, processing
    centre, dealer, with where it is now (one query for the shipment's milestones, none without one)."""
    assignment = getattr(vehicle, "shipment_assignment", None)
    shipment = assignment.shipment if assignment is not None else None
    times: dict[str, tuple[dt.datetime, str]] = {}
    current = ""
    if shipment is not None:
        current = shipment.current_milestone
        for row in scoped(ShipmentMilestone, caller).filter(shipment=shipment):
            if row.actual_at:
                times[row.code] = (row.actual_at, "ACT")
            elif row.estimated_at:
                times[row.code] = (row.estimated_at, "EST")
            elif row.planned_at:
                times[row.code] = (row.planned_at, "PLN")
        if Milestone.DELIVERED_TO_DEALER not in times and shipment.eta_at_dealer:
            times[Milestone.DELIVERED_TO_DEALER] = (shipment.eta_at_dealer, "EST")
    index, there = _POSITION.get(current, (0, True))
    vessel = " ".join(part for part in (shipment.vessel, shipment.voyage) if part) if shipment else ""
    dealer = vehicle.order.dealer.name if vehicle.order_id else ""
    places = {
        "plant": vehicle.plant.name,
        "port_of_loading": shipment.origin if shipment else "",
        "vessel": vessel,
        "port_of_discharge": shipment.destination if shipment else "",
        "processing_centre": "",
        "dealer": dealer,
    }
    stops = []
    for position, (code, label) in enumerate(STOPS):
        if position < index:
            state = "passed"
        elif position == index:
            state = "current" if there else "heading"
        else:
            state = "ahead"
        if code == "plant":
            at, classifier = vehicle.build_date, "ACT"
        else:
            at, classifier = times.get(_STOP_MILESTONE[code], (None, ""))
        stops.append(RouteStop(code, str(label), places[code], state, at, classifier))
    return stops


def eta_slip_days(shipment) -> int | None:
    """Days the at-dealer estimate (its day in Japan) is later than the promise; negative: earlier."""
    if shipment is None or shipment.promised_at_dealer is None or shipment.eta_at_dealer is None:
        return None
    return (clock.to_jst(shipment.eta_at_dealer).date() - shipment.promised_at_dealer).days


# Custody facts: handover inspections and exceptions (importorders' own, registered as a source
# beside compliance's documents: together they are the vehicle's compliance milestones).
CUSTODY_TITLES = {
    "inspection_recorded": pgettext_lazy("timeline", "Handover inspection recorded"),
    "exception_raised": pgettext_lazy("timeline", "Exception raised"),
    "exception_resolved": pgettext_lazy("timeline", "Exception resolved"),
}


def custody_timeline_facts(*, vehicle: Vehicle, caller: Caller, today: dt.date) -> list[TimelineFact]:
    """The vehicle's inspections and, for a stock vehicle, its exceptions, as the caller may see them
    (one query, two without an order; unsorted)."""
    acting_dealer = F("actor_user__dealer_membership__dealer_id")
    facts: list[TimelineFact] = []
    inspections = (
        scoped(HandoverInspection, caller)
        .filter(vehicle=vehicle)
        .annotate(damage_count=Count("damages"), actor_dealer_id=acting_dealer)
        .order_by()
    )
    for inspection in inspections:
        place = inspection.get_custody_point_display()
        facts.append(
            TimelineFact(
                source="compliance",
                kind="inspection_recorded",
                at=inspection.inspected_at,
                title=CUSTODY_TITLES["inspection_recorded"],
                detail=f"{place} {inspection.location}".strip(),
                reason=inspection.note,
                changes={
                    "custody_point": inspection.custody_point,
                    "location": inspection.location,
                    "damages": inspection.damage_count,
                },
                actor_kind=inspection.actor_kind,
                actor_ref=inspection.actor_ref,
                actor_label=inspection.actor_label,
                actor_dealer_id=inspection.actor_dealer_id,
            )
        )
    if vehicle.order_id is not None:
        # The order's own events record its vehicle's exceptions (exception_raised and
        # exception_resolved, importorders.services.exceptions): told once, as `order` entries.
        return facts
    exceptions = (
        scoped(VehicleException, caller)
        .filter(vehicle=vehicle)
        .annotate(actor_dealer_id=acting_dealer)
        .order_by()
    )
    for exception in exceptions:
        described = {"exception_kind": exception.kind, "blocks_release": exception.blocks_release}
        facts.append(
            TimelineFact(
                source="compliance",
                kind="exception_raised",
                at=exception.created_at,
                title=CUSTODY_TITLES["exception_raised"],
                detail=exception.get_kind_display(),
                reason=exception.note,
                changes=described,
                actor_kind=exception.actor_kind,
                actor_ref=exception.actor_ref,
                actor_label=exception.actor_label,
                actor_dealer_id=exception.actor_dealer_id,
            )
        )
        if exception.resolved_at is not None:
            facts.append(
                TimelineFact(
                    source="compliance",
                    kind="exception_resolved",
                    at=exception.resolved_at,
                    title=CUSTODY_TITLES["exception_resolved"],
                    detail=f"{exception.get_kind_display()}: {exception.get_resolution_display()}",
                    reason=exception.resolution_reason,
                    changes={**described, "resolution": exception.resolution},
                    actor_kind=exception.resolver_kind or "system",
                    actor_ref=exception.resolver_ref,
                    actor_label=exception.resolver_label,
                )
            )
    return facts
