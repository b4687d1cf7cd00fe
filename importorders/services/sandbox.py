"""The partner sandbox: scripted scenarios a partner's engineer replays against sandbox shipments.

A sandbox key (PartnerAPIKey.sandbox) sees and writes only its partner's sandbox shipments, whose
vehicles are sandbox vehicles that never have an order (docs/decisions/0004). Each scenario owns
one sandbox shipment with one vehicle, `SBX-<partner>-<scenario>`. `sandbox_scenario_reset` puts it
back to its start (no events, no milestones, the partner's sandbox idempotency keys forgotten) and
returns the batch to send with the partner's own client, the answer `POST partner/events/` gives
it, and the shipment as `GET partner/shipments/` shows it once the batch is applied. The expected
shipment comes from the same projection the shipments follow (services.shipments.events_projection).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import Color, Trim
from catalog.vin import vin_check_digit
from core import clock
from core.actors import Actor
from core.errors import Conflict
from importorders.models import (
    LogisticsPartner,
    PartnerEvent,
    PartnerIdempotencyKey,
    Shipment,
    ShipmentMilestone,
    ShipmentVehicle,
    Vehicle,
)
from importorders.services.shipments import events_projection

ORIGIN, DESTINATION = "USLGB", "JPMKW"
VESSEL, VOYAGE = "SANDBOX TRADER", "SBX001"


@dataclass(frozen=True)
class Step:
    """One event of a scenario: its ID suffix, milestone, classifier, hours after the start, where."""

    suffix: str
    code: str
    classifier: str = "ACT"
    hours: int = 0
    location: str = ""
    remarks: str = ""
    retracts: str = ""  # the suffix of the event this one retracts


@dataclass(frozen=True)
class Scenario:
    name: str
    title: Any
    description: Any
    steps: tuple[Step, ...]


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "out-of-order",
        gettext_lazy("Out of order"),
        gettext_lazy(
            "The events arrive latest first. They are applied by occurred_at, so the shipment ends "
            "where the sorted events take it: the vessel departed."
        ),
        (
            Step("4", "vessel_departed", hours=30, location="USLGB"),
            Step("2", "gate_in_origin_port", hours=10, location="USLGB"),
            Step("3", "loaded", hours=20, location="USLGB"),
            Step("1", "released_from_plant", hours=0, location="USGEO"),
        ),
    ),
    Scenario(
        "duplicated",
        gettext_lazy("Duplicated"),
        gettext_lazy(
            "The same event twice in one batch: the second counts as a duplicate and is dropped. "
            "Sending the whole batch again counts every event as a duplicate."
        ),
        (
            Step("1", "released_from_plant", hours=0, location="USGEO"),
            Step("2", "gate_in_origin_port", hours=10, location="USLGB"),
            Step("2", "gate_in_origin_port", hours=10, location="USLGB"),
        ),
    ),
    Scenario(
        "retracted",
        gettext_lazy("Retracted"),
        gettext_lazy(
            "A loading reported by mistake, then retracted: the retracted event leaves no trace in "
            "the milestones, and the shipment stays at the gate in."
        ),
        (
            Step("1", "gate_in_origin_port", hours=0, location="USLGB"),
            Step("2", "loaded", hours=12, location="USLGB"),
            Step("3", "", retracts="2"),
        ),
    ),
    Scenario(
        "damaged",
        gettext_lazy("Damaged"),
        gettext_lazy(
            "Damage found at discharge. With a live key the back office gets a damage exception and "
            "the dealer is told; in the sandbox the event is recorded on the milestones only."
        ),
        (
            Step("1", "vessel_arrived", hours=0, location="JPMKW"),
            Step("2", "discharged", hours=6, location="JPMKW"),
            Step("3", "damage_reported", hours=7, location="JPMKW", remarks="Scratch on the rear bumper."),
        ),
    ),
    Scenario(
        "customs-hold",
        gettext_lazy("Held at customs"),
        gettext_lazy(
            "Discharged, then held at customs, with the release still an estimate. With a live key "
            "the hold raises an exception and the dealer is told; the sandbox records it only."
        ),
        (
            Step("1", "discharged", hours=0, location="JPMKW"),
            Step("2", "customs_hold", hours=20, location="JPMKW", remarks="Documents under review."),
            Step("3", "customs_released", classifier="EST", hours=68, location="JPMKW"),
        ),
    ),
)
BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}


def sandbox_reference(partner: LogisticsPartner, scenario: Scenario) -> str:
    return f"SBX-{partner.code}-{scenario.name}"


def sandbox_vin(partner: LogisticsPartner, scenario: Scenario) -> str:
    """A valid VIN under the WMI "SBX", which no US plant uses: the partner and the scenario in the serial."""
    serial = f"{partner.pk % 100_000:05d}{SCENARIOS.index(scenario)}"
    without = f"SBXSANDB0TZ{serial}"
    return f"{without[:8]}{vin_check_digit(without)}{without[9:]}"


def _event_id(partner: LogisticsPartner, scenario: Scenario, suffix: str) -> str:
    return f"sbx-{scenario.name}-{suffix}"


def _batch(partner: LogisticsPartner, scenario: Scenario, vin: str, start: dt.datetime) -> list[dict]:
    events = []
    for step in scenario.steps:
        event_id = _event_id(partner, scenario, step.suffix)
        if step.retracts:
            events.append({"event_id": event_id, "retracts": _event_id(partner, scenario, step.retracts)})
            continue
        event = {
            "event_id": event_id,
            "vin": vin,
            "code": step.code,
            "classifier": step.classifier,
            "occurred_at": clock.to_jst(start + dt.timedelta(hours=step.hours)).isoformat(),
            "location": step.location,
        }
        if step.remarks:
            event["remarks"] = step.remarks
        events.append(event)
    return events


def _expected(partner: LogisticsPartner, scenario: Scenario, vin: str, events: list[dict]) -> dict:
    """The answer to the batch, and the shipment once it is applied (the shipments' own projection)."""
    seen: set[str] = set()
    unique = []
    for event in events:
        if event["event_id"] in seen:
            continue
        seen.add(event["event_id"])
        unique.append(event)
    retracted = {event["retracts"] for event in unique if "retracts" in event}
    facts = [
        PartnerEvent(
            event_id=event["event_id"],
            code=event["code"],
            classifier=event["classifier"],
            occurred_at=dt.datetime.fromisoformat(event["occurred_at"]),
        )
        for event in unique
        if "retracts" not in event and event["event_id"] not in retracted
    ]
    projection = events_projection(facts)
    return {
        "answer": {
            "accepted": len(unique),
            "duplicate": len(events) - len(unique),
            "rejected": 0,
            "errors": [],
        },
        "shipment": {
            "reference": sandbox_reference(partner, scenario),
            "partner": partner.code,
            "origin": ORIGIN,
            "destination": DESTINATION,
            "vessel": VESSEL,
            "voyage": VOYAGE,
            "current_milestone": projection.current_milestone,
            "promised_at_dealer": None,
            "eta_at_dealer": projection.eta_at_dealer,
            "last_event_at": projection.last_event_at,
            "vehicles": [vin],
            "milestones": [
                {
                    "code": code,
                    **{name: times.get(name) for name in ("planned_at", "estimated_at", "actual_at")},
                }
                for code, times in projection.milestones
            ],
        },
    }


def _sandbox_vehicle(vin: str, actor: Actor) -> Vehicle:
    vehicle = Vehicle.objects.filter(vin=vin).first()
    if vehicle is not None:
        if not vehicle.sandbox:
            raise Conflict(_("The sandbox cannot be prepared: its VIN is taken."), code="sandbox_unavailable")
        return vehicle
    trim = Trim.objects.select_related("model_year__vehicle_model").order_by("pk").first()
    color = (
        Color.objects.filter(maker_id=trim.model_year.vehicle_model.maker_id).order_by("pk").first()
        if trim is not None
        else None
    )
    if trim is None or color is None:
        raise Conflict(_("The sandbox cannot be prepared: the catalog is empty."), code="sandbox_unavailable")
    vehicle = Vehicle(
        vin=vin,
        sandbox=True,
        plant_id=trim.model_year.plant_id,
        model_year=trim.model_year,
        trim=trim,
        color=color,
        build_date=clock.today_jst() - dt.timedelta(days=30),
    )
    vehicle.actor_fill(actor)
    vehicle.save()
    return vehicle


def sandbox_scenarios() -> list[dict[str, str]]:
    """The scenarios, as `GET partner/sandbox/scenarios/` lists them."""
    return [
        {"name": scenario.name, "title": str(scenario.title), "description": str(scenario.description)}
        for scenario in SCENARIOS
    ]


def sandbox_scenario_reset(*, partner: LogisticsPartner, scenario: Scenario, actor: Actor) -> dict[str, Any]:
    """Put the scenario's sandbox shipment back to its start; returns the batch and what it leads to.

    Sandbox rows only: the shipment, its vehicle, its events and the partner's sandbox idempotency
    keys (a retried Idempotency-Key would otherwise replay the answer of a batch reset away).
    """
    reference = sandbox_reference(partner, scenario)
    vin = sandbox_vin(partner, scenario)
    event_ids = {_event_id(partner, scenario, step.suffix) for step in scenario.steps}
    with transaction.atomic():
        shipment = Shipment.objects.select_for_update().filter(reference=reference).first()
        if shipment is None:
            shipment = Shipment(
                reference=reference,
                partner=partner,
                sandbox=True,
                origin=ORIGIN,
                destination=DESTINATION,
                vessel=VESSEL,
                voyage=VOYAGE,
            )
            shipment.actor_fill(actor)
            shipment.save()
        elif not shipment.sandbox or shipment.partner_id != partner.pk:
            raise Conflict(
                _("The sandbox cannot be prepared: its shipment reference is taken."),
                code="sandbox_unavailable",
            )
        vehicle = _sandbox_vehicle(vin, actor)
        # Events about the shipment, and retractions that arrived before what they retract.
        PartnerEvent.objects.filter(partner=partner, sandbox=True).filter(
            Q(shipment=shipment) | Q(vehicle=vehicle) | Q(event_id__in=event_ids)
        ).delete()
        PartnerIdempotencyKey.objects.filter(partner=partner, sandbox=True).delete()
        ShipmentMilestone.objects.filter(shipment=shipment).delete()
        ShipmentVehicle.objects.filter(shipment=shipment).exclude(vehicle=vehicle).delete()
        if not ShipmentVehicle.objects.filter(shipment=shipment, vehicle=vehicle).exists():
            assignment = ShipmentVehicle(shipment=shipment, vehicle=vehicle)
            assignment.actor_fill(actor)
            assignment.save()
        shipment.current_milestone, shipment.eta_at_dealer, shipment.last_event_at = "", None, None
        shipment.save(update_fields=["current_milestone", "eta_at_dealer", "last_event_at", "updated_at"])
    # The trip starts ten days ago, on the hour: every time in the batch is in the past.
    start = clock.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=10)
    events = _batch(partner, scenario, vin, start)
    return {
        "scenario": scenario.name,
        "title": str(scenario.title),
        "description": str(scenario.description),
        "batch": {"vocabulary": "canonical", "version": "1", "events": events},
        "expected": _expected(partner, scenario, vin, events),
    }
