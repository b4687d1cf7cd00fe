"""Timeline sources: facts other parts of the product add to a vehicle's timeline.

importorders owns this registry (like importorders.gates and importorders.vehicle_blocks) and never
imports the apps that fill it: compliance registers its document and readiness milestones from its
own `AppConfig.ready()`, and importorders registers its custody facts (handover inspections, damage
and other exceptions) the same way. `GET vehicles/{vin}/` and the vehicle page merge every source's
facts with the order's events and the shipment's events into one chronological list
(importorders.selectors.timeline).

A source is a loader `load(*, vehicle, caller, today) -> list[TimelineFact]`. It reads scoped to the
caller, in a number of queries that does not grow with the vehicle's facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass(frozen=True)
class TimelineFact:
    """One dated fact of a vehicle's life from a registered source, for the API and the page."""

    source: str  # the API's `source`: "compliance", "custody"
    kind: str  # stable, for clients: "document_approved", "inspection_recorded", ...
    at: dt.datetime
    title: str | Promise  # what happened, translated when read
    detail: str = ""  # the document type, the custody point: as a person reads it
    reason: str = ""  # a reviewer's reason, a note, as written
    changes: dict = field(default_factory=dict)  # stable facts for clients (codes, versions)
    actor_kind: str = "system"
    actor_ref: str = ""
    actor_label: str = ""
    actor_dealer_id: int | None = None  # the acting user's dealer (importorders.selectors.orders)


TimelineSource = Callable[..., list[TimelineFact]]

_sources: dict[str, TimelineSource] = {}


def register_timeline_source(name: str, load: TimelineSource) -> None:
    """Register `load` under `name` (once, in an AppConfig.ready(); registering a name again replaces it)."""
    _sources[name] = load


def timeline_source_names() -> list[str]:
    return list(_sources)


def timeline_facts(*, vehicle, caller, today: dt.date) -> list[TimelineFact]:
    """Every registered source's facts about `vehicle`, as `caller` may see them (unsorted)."""
    facts: list[TimelineFact] = []
    for load in _sources.values():
        facts.extend(load(vehicle=vehicle, caller=caller, today=today))
    return facts
