"""Shipments: schedule one (operations), put vehicles on it, and project its events onto it.

`shipment_project` recomputes a shipment's milestones (planned, estimated, actual per milestone),
its current milestone, its at-dealer estimate and its last event from every applied event that is
not retracted, so the result depends only on the set of events, never on the order they came in.
For each milestone and classifier the event that wins is the one reported last (`reported_at`, else
`occurred_at`), ties broken by event ID.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core.actors import Actor
from core.errors import Conflict, ValidationFailed
from importorders.locks import shipment_lock
from importorders.models import (
    Classifier,
    LogisticsPartner,
    Milestone,
    PartnerEvent,
    Shipment,
    ShipmentMilestone,
    ShipmentVehicle,
    Vehicle,
)
from importorders.models.shipments import LOCODE_PATTERN, ROUTE


def _check_locode(field: str, value: str) -> str:
    value = (value or "").strip().upper()
    if not re.fullmatch(LOCODE_PATTERN, value):
        raise ValidationFailed(
            fields={field: [_("A UN/LOCODE is five characters: the country (2 letters) and the place (3).")]}
        )
    return value


def shipment_create(
    *,
    partner: LogisticsPartner,
    actor: Actor,
    reference: str,
    origin: str,
    destination: str,
    vessel: str = "",
    voyage: str = "",
    promised_at_dealer: dt.date | None = None,
) -> Shipment:
    """Schedule a shipment with a partner; the promised at-dealer date is set here, once."""
    origin = _check_locode("origin", origin)
    destination = _check_locode("destination", destination)
    reference = reference.strip()
    if not reference:
        raise ValidationFailed(fields={"reference": [_("This field is required.")]})
    with transaction.atomic():
        existing = Shipment.objects.filter(reference=reference).first()
        if existing is not None:
            if (existing.partner_id, existing.origin, existing.destination) == (
                partner.pk,
                origin,
                destination,
            ):
                return existing
            raise Conflict(_("A shipment with this reference exists."), code="shipment_exists")
        shipment = Shipment(
            reference=reference,
            partner=partner,
            origin=origin,
            destination=destination,
            vessel=vessel.strip(),
            voyage=voyage.strip(),
            promised_at_dealer=promised_at_dealer,
        )
        shipment.actor_fill(actor)
        shipment.full_clean()
        shipment.save()
    return shipment


def shipment_assign(*, shipment: Shipment, vehicle: Vehicle, actor: Actor) -> ShipmentVehicle:
    """Put a vehicle on a shipment (a vehicle is on one at a time).

    Moving it from another shipment is allowed until that shipment has events about it (409 then).
    """
    if vehicle.sandbox != shipment.sandbox:
        # The sandbox and the live shipments never share a vehicle (docs/decisions/0004).
        raise Conflict(
            _("A sandbox vehicle goes on a sandbox shipment only, and only there."), code="sandbox_mismatch"
        )
    with transaction.atomic():
        shipment_lock(shipment.pk)
        current = ShipmentVehicle.objects.select_for_update().filter(vehicle=vehicle).first()
        if current is not None and current.shipment_id == shipment.pk:
            return current
        if current is not None:
            if PartnerEvent.objects.filter(shipment_id=current.shipment_id, vehicle=vehicle).exists():
                raise Conflict(
                    _("This vehicle has events on shipment %(reference)s: it cannot move to another.")
                    % {"reference": current.shipment.reference},
                    code="vehicle_on_shipment",
                )
            current.shipment = shipment
            current.actor_fill(actor)
            current.save()
            return current
        assignment = ShipmentVehicle(shipment=shipment, vehicle=vehicle)
        assignment.actor_fill(actor)
        assignment.save()
    return assignment


def _winner_key(event: PartnerEvent) -> tuple:
    return (event.reported_at or event.occurred_at, event.occurred_at, event.event_id)


_TIME_FIELDS: dict[str, str] = {
    Classifier.PLANNED: "planned_at",
    Classifier.ESTIMATED: "estimated_at",
    Classifier.ACTUAL: "actual_at",
}


@dataclass(frozen=True)
class Projection:
    """What a set of events says of a shipment: per milestone its times (in route order), the
    current milestone, the at-dealer estimate and the last event's time."""

    milestones: list[tuple[str, dict[str, dt.datetime]]]
    current_milestone: str
    eta_at_dealer: dt.datetime | None
    last_event_at: dt.datetime | None


def events_projection(events: Iterable[PartnerEvent]) -> Projection:
    """The projection of applied, unretracted events (no retractions among them); pure, so the
    sandbox's scenarios state their end state with the very rules the shipments follow."""
    winners: dict[tuple[str, str], PartnerEvent] = {}
    last_event_at = None
    for event in events:
        slot = (event.code, event.classifier)
        if slot not in winners or _winner_key(event) > _winner_key(winners[slot]):
            winners[slot] = event
        if last_event_at is None or event.occurred_at > last_event_at:
            last_event_at = event.occurred_at
    times: dict[str, dict[str, dt.datetime]] = {}
    for (code, classifier), event in winners.items():
        times.setdefault(code, {})[_TIME_FIELDS[classifier]] = event.occurred_at
    reached = [code for code in ROUTE if "actual_at" in times.get(code, {})]
    at_dealer = times.get(Milestone.DELIVERED_TO_DEALER, {})
    return Projection(
        milestones=sorted(times.items(), key=lambda item: _route_rank(item[0])),
        current_milestone=reached[-1] if reached else "",
        eta_at_dealer=(
            at_dealer.get("actual_at") or at_dealer.get("estimated_at") or at_dealer.get("planned_at")
        ),
        last_event_at=last_event_at,
    )


# Per (milestone, classifier), the latest reported of a shipment's applied, unretracted events:
# one probe of the `partner_event_winner` index per pair (a loose index scan), so the cost does
# not grow with the shipment's history. Ties are broken as `_winner_key` breaks them (event IDs
# compared by code point, COLLATE "C").
_WINNERS_SQL = """
SELECT winner.code, winner.classifier, winner.occurred_at, winner.reported_at, winner.event_id
FROM (VALUES {pairs}) AS pair (code, classifier)
CROSS JOIN LATERAL (
    SELECT event.code, event.classifier, event.occurred_at, event.reported_at, event.event_id
    FROM importorders_partnerevent AS event
    WHERE event.shipment_id = %s AND event.code = pair.code AND event.classifier = pair.classifier
      AND event.applied_at IS NOT NULL AND NOT event.retracted AND event.retracts = ''
    ORDER BY COALESCE(event.reported_at, event.occurred_at) DESC, event.occurred_at DESC,
      event.event_id COLLATE "C" DESC
    LIMIT 1
) AS winner
"""
_PAIRS = ", ".join(
    f"('{code}', '{classifier}')" for code in Milestone.values for classifier in Classifier.values
)


def events_projection_of(shipment_id: int) -> Projection:
    """`events_projection` of the shipment's applied, unretracted events, read lean.

    On PostgreSQL only the winners are read (`_WINNERS_SQL`) with the last occurrence beside them:
    the winners' projection is the projection of all the events, so a shipment with a long history
    costs two short index reads, not its thousands of rows. Elsewhere (the embedded SQLite default)
    every event is read.
    """
    events = PartnerEvent.objects.filter(
        shipment_id=shipment_id, applied_at__isnull=False, retracted=False, retracts=""
    )
    if connection.vendor != "postgresql":
        return events_projection(events.only("code", "classifier", "occurred_at", "reported_at", "event_id"))
    fields = ("code", "classifier", "occurred_at", "reported_at", "event_id")
    with connection.cursor() as cursor:
        cursor.execute(_WINNERS_SQL.format(pairs=_PAIRS), [shipment_id])
        winners = [SimpleNamespace(**dict(zip(fields, row, strict=True))) for row in cursor.fetchall()]
    projection = events_projection(winners)
    last = events.aggregate(last=Max("occurred_at"))["last"]
    return dataclasses.replace(projection, last_event_at=last)


def shipment_project(*, shipment_id: int) -> Shipment:
    """Rewrite the shipment's projection from its applied, unretracted events (under its lock)."""
    with transaction.atomic():
        shipment = shipment_lock(shipment_id)
        projection = events_projection_of(shipment_id)
        ShipmentMilestone.objects.filter(shipment_id=shipment_id).delete()
        ShipmentMilestone.objects.bulk_create(
            [
                ShipmentMilestone(shipment_id=shipment_id, code=code, **values)
                for code, values in projection.milestones
            ]
        )
        shipment.current_milestone = projection.current_milestone
        shipment.eta_at_dealer = projection.eta_at_dealer
        shipment.last_event_at = projection.last_event_at
        shipment.save(update_fields=["current_milestone", "eta_at_dealer", "last_event_at", "updated_at"])
    return shipment


def _route_rank(code: str) -> int:
    return ROUTE.index(code) if code in ROUTE else len(ROUTE) + list(Milestone.values).index(code)
