"""The vehicle timeline as a page shows it (the compliance app's /vehicles/<vin>/ renders it with
templates/importorders/_vehicle_timeline.html): one row per entry with what happened, when (JST),
whether it is planned, estimated or actual, and who, as the caller may see them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import pgettext_lazy

from core.callers import Caller
from importorders.models import Classifier, Milestone, OrderEvent, OrderStatus
from importorders.selectors.orders import order_event_actor
from importorders.selectors.timeline import entry_source, eta_slip_days, vehicle_route, vehicle_timeline
from importorders.views.orders import EVENT_HEADINGS

SOURCE_LABELS = {
    "order": pgettext_lazy("timeline source", "order"),
    "shipment": pgettext_lazy("timeline source", "shipment"),
    "compliance": pgettext_lazy("timeline source", "compliance"),
}


@dataclass(frozen=True)
class TimelineRow:
    at: dt.datetime
    source: str
    source_label: str
    kind: str
    classifier: str  # PLN, EST, ACT: order events and compliance milestones are what happened (ACT)
    classifier_label: str
    heading: str
    detail: str
    reason: str
    actor: str


def _row(entry: OrderEvent, caller: Caller) -> TimelineRow:
    source = entry_source(entry)
    classifier = Classifier.ACTUAL.value
    if source == "shipment":
        fact = entry.shipment_event
        classifier = fact.classifier or classifier
        heading = str(Milestone(fact.code).label) if fact.code in Milestone.values else fact.code
        detail = " · ".join(part for part in (fact.location, fact.vessel, fact.voyage) if part)
    elif source == "order":
        heading = str(EVENT_HEADINGS.get(entry.kind) or entry.get_kind_display()).capitalize()
        statuses = [OrderStatus(s).label for s in (entry.from_status, entry.to_status) if s]
        detail = " → ".join(str(label) for label in statuses)
    else:
        fact = entry.timeline_fact
        heading, detail = str(fact.title), fact.detail
    return TimelineRow(
        at=entry.at,
        source=source,
        source_label=str(SOURCE_LABELS.get(source, source)),
        kind=entry.kind,
        classifier=classifier,
        classifier_label=str(Classifier(classifier).label),
        heading=heading,
        detail=detail,
        reason=entry.reason,
        actor=order_event_actor(entry, caller)["label"],
    )


def vehicle_timeline_context(caller: Caller, vehicle, today: dt.date) -> dict:
    """What the vehicle page's timeline section reads: rows, route strip, promise and estimate."""
    assignment = getattr(vehicle, "shipment_assignment", None)
    shipment = assignment.shipment if assignment is not None else None
    entries = vehicle_timeline(caller=caller, vehicle=vehicle, today=today)
    slip = eta_slip_days(shipment)
    return {
        "timeline_rows": [_row(entry, caller) for entry in entries],
        "route": vehicle_route(caller=caller, vehicle=vehicle),
        "shipment": shipment,
        "slip_days": slip,
        "slip_early": -slip if slip is not None and slip < 0 else 0,
    }
