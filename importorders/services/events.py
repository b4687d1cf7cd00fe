"""Shipment events: received into the inbox (the partner API), then applied in batches (Celery).

Receiving (`events_receive`) reads each event of a batch in its vocabulary, validates it, and
stores every good one in one transaction; a duplicate `(partner, event_id)` is dropped by the unique
key, an event about a VIN that is not on one of the partner's shipments is rejected with the same
message whether the VIN is unknown or another partner's. The apply task is queued on commit.

Applying (`events_apply_pending`) takes the oldest unapplied rows (rows another worker holds are
skipped), and in one transaction:
1. marks them applied and settles retractions: an event retracted by an applied retraction is
   `retracted`, whichever of the two came first; a retraction of an event applied earlier undoes
   that event's effects (its damage or hold exception is dismissed; an order it moved goes back,
   one recorded system step at a time, to the furthest status the vehicle's standing actual
   milestones imply, docs/decisions/0005; a delivered order stays delivered and raises an
   "unfit_event" exception for the back office);
2. makes the effects of the batch's actual (ACT) events in `occurred_at` order: milestones move the
   vehicle's order through importorders.services.orders.order_milestone, a customs release resolves
   the holds before it and tries to release the order; damage and customs holds raise exceptions
   (the dealer hears once); an event the order's status cannot follow is recorded and raises an
   "unfit_event" exception, never refused;
3. re-projects each touched shipment from its applied events (services.shipments: the winners
   only, read through an index).
Everything is idempotent per event (exception keys, exact-repeat moves), and the projection depends
only on the set of events, so the order of arrival does not change the shipment's final state, nor
the order's status short of the release gates and a retracted delivery (docs/decisions/0005).

A sandbox key's events (`sandbox`, docs/decisions/0004) are received against sandbox vehicles only
and go through steps 1 and 3 alone: no order move, exception or dealer notification.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from catalog.errors import VinInvalid
from catalog.vin import vin_normalize
from core import clock
from core.actors import Actor
from core.bulk import copy_insert
from core.errors import Conflict
from core.locks import lock_rows
from importorders.locks import order_lock
from importorders.models import (
    Classifier,
    ExceptionKind,
    ExceptionResolution,
    LogisticsPartner,
    Milestone,
    OrderStatus,
    PartnerEvent,
    Shipment,
    ShipmentVehicle,
    Vehicle,
    VehicleException,
)
from importorders.models.shipments import LOCODE_PATTERN
from importorders.pipeline import FINAL, MOVE_BACK_FROM
from importorders.services.events_watch import shipment_check_slipping
from importorders.services.exceptions import exception_raise, exception_resolve
from importorders.services.orders import order_milestone, order_release_attempt
from importorders.services.shipments import shipment_project
from importorders.vocabularies import VERSIONS, EventUnreadable, event_read, mapping_codes

MAX_BATCH = 1000
# Events applied per transaction: a batch costs a fixed part (locks, one projection per shipment)
# and about 0.1 ms per event (estimates; an order move costs more), so larger batches apply faster.
APPLY_BATCH = 2000

# The order status an actual milestone means, and the system move into each status.
ORDER_TARGETS = {
    Milestone.LOADED: OrderStatus.SHIPPED,
    Milestone.VESSEL_DEPARTED: OrderStatus.SHIPPED,
    Milestone.VESSEL_ARRIVED: OrderStatus.ARRIVED,
    Milestone.DISCHARGED: OrderStatus.ARRIVED,
    Milestone.CUSTOMS_RELEASED: OrderStatus.CLEARED,
    Milestone.DELIVERED_TO_DEALER: OrderStatus.DELIVERED,
}
PATH = (
    OrderStatus.BUILT,
    OrderStatus.SHIPPED,
    OrderStatus.ARRIVED,
    OrderStatus.CLEARED,
    OrderStatus.READY,
    OrderStatus.DELIVERED,
)
MOVE_INTO = {
    OrderStatus.SHIPPED: "ship",
    OrderStatus.ARRIVED: "arrive",
    OrderStatus.CLEARED: "clear",
    OrderStatus.READY: "release",
    OrderStatus.DELIVERED: "deliver",
}

# The exception kinds a dealer is told of (once, when raised).
DEALER_TOLD = frozenset(
    {ExceptionKind.DAMAGE, ExceptionKind.CUSTOMS_HOLD, ExceptionKind.STALE, ExceptionKind.SLIPPING}
)


@dataclass
class BatchAnswer:
    """What `partner/events/` answers: the counts and, per refused event, its index and why."""

    accepted: int = 0
    duplicate: int = 0
    rejected: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "duplicate": self.duplicate,
            "rejected": self.rejected,
            "errors": self.errors,
        }


def _unknown_vin() -> str:
    # One message for an unknown VIN and another partner's: nobody learns which VINs exist.
    return _("No vehicle with this VIN is on a shipment of yours.")


def _time(value: Any, name: str, problems: dict[str, list[str]], *, required: bool) -> dt.datetime | None:
    if value in (None, ""):
        if required:
            problems[name] = [_("This field is required.")]
        return None
    parsed = parse_datetime(str(value)) if isinstance(value, str) and "\x00" not in value else None
    if parsed is None or parsed.tzinfo is None:
        problems[name] = [_("Give an ISO 8601 time with its offset, e.g. 2026-05-01T09:30:00+09:00.")]
        return None
    return parsed


def _text(value: str, name: str, limit: int, problems: dict[str, list[str]]) -> str:
    value = value.strip()
    if "\x00" in value:
        problems[name] = [_("Null characters are not allowed.")]
    elif len(value) > limit:
        problems[name] = [_("At most %(limit)s characters.") % {"limit": limit}]
    return value


def _validated(fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The canonical fields, cleaned, and the problems found (empty when the event is good)."""
    problems: dict[str, list[str]] = {}
    clean: dict[str, Any] = {"event_id": _text(fields.get("event_id", ""), "event_id", 100, problems)}
    if not clean["event_id"] and "event_id" not in problems:
        problems["event_id"] = [_("This field is required.")]
    clean["retracts"] = _text(fields.get("retracts", ""), "retracts", 100, problems)
    if clean["retracts"]:
        if clean["retracts"] == clean["event_id"]:
            problems["retracts"] = [_("An event cannot retract itself.")]
        return clean, problems
    try:
        clean["vin"] = vin_normalize(fields.get("vin", ""))
    except VinInvalid as exc:
        problems["vin"] = [str(message) for message in exc.fields["vin"]]
    code = fields.get("code", "")
    if code not in Milestone.values:
        problems["code"] = [_("Not a milestone code.")]
    clean["code"] = code
    classifier = fields.get("classifier", "")
    if classifier not in Classifier.values:
        problems["classifier"] = [_("Give PLN, EST or ACT.")]
    clean["classifier"] = classifier
    clean["occurred_at"] = _time(fields.get("occurred_at"), "occurred_at", problems, required=True)
    clean["reported_at"] = _time(fields.get("reported_at"), "reported_at", problems, required=False)
    location = _text(fields.get("location", ""), "location", 5, problems).upper()
    if location and not re.fullmatch(LOCODE_PATTERN, location):
        problems["location"] = [
            _("A UN/LOCODE is five characters: the country (2 letters) and the place (3).")
        ]
    clean["location"] = location
    clean["vessel"] = _text(fields.get("vessel", ""), "vessel", 100, problems)
    clean["voyage"] = _text(fields.get("voyage", ""), "voyage", 40, problems)
    clean["remarks"] = _text(fields.get("remarks", ""), "remarks", 1000, problems)
    return clean, problems


def _storable(raw: Any) -> Any:
    """What the partner sent, as stored beside the event: PostgreSQL's JSON cannot hold a NUL."""
    if isinstance(raw, dict):
        return {_storable(key): _storable(value) for key, value in raw.items()}
    if isinstance(raw, list):
        return [_storable(value) for value in raw]
    if isinstance(raw, str):
        return raw.replace("\x00", "")
    return raw


def _error(index: int, event_id: str, code: str, message: str, fields: dict[str, list[str]]) -> dict:
    return {"index": index, "event_id": event_id, "code": code, "message": message, "fields": fields}


def events_receive(
    *,
    partner: LogisticsPartner,
    actor: Actor,
    vocabulary: str,
    version: str,
    events: Sequence[Any],
    sandbox: bool = False,
) -> BatchAnswer:
    """Store a batch's good events in the inbox (one transaction); the apply task runs after commit.

    `sandbox` (a sandbox key's batch): only the partner's sandbox vehicles are known, and event IDs
    are apart from the live ones (docs/decisions/0004).
    """
    if vocabulary not in VERSIONS or version not in VERSIONS[vocabulary]:
        raise ValueError("the caller validates the vocabulary and version")
    codes = mapping_codes(vocabulary, version) if vocabulary != "canonical" else {}
    answer = BatchAnswer()
    readable: list[tuple[int, dict[str, Any], Any]] = []
    for index, raw in enumerate(events):
        try:
            fields = event_read(raw, vocabulary=vocabulary, version=version, codes=codes)
        except EventUnreadable as exc:
            event_id = str(raw.get("eventID") or raw.get("event_id") or "") if isinstance(raw, dict) else ""
            answer.errors.append(
                _error(index, event_id[:100], exc.code, _("This event cannot be read."), exc.fields)
            )
            continue
        clean, problems = _validated(fields)
        if problems:
            answer.errors.append(
                _error(index, clean.get("event_id", ""), "invalid", _("This event is not valid."), problems)
            )
            continue
        readable.append((index, clean, raw))

    vins = {clean["vin"] for _, clean, _ in readable if not clean["retracts"]}
    on_shipments = {
        vin: (vehicle_id, shipment_id)
        for vin, vehicle_id, shipment_id in ShipmentVehicle.objects.filter(
            shipment__partner=partner,
            shipment__sandbox=sandbox,
            vehicle__sandbox=sandbox,
            vehicle__vin__in=vins,
        ).values_list("vehicle__vin", "vehicle_id", "shipment_id")
    }
    event_ids = {clean["event_id"] for _, clean, _ in readable}
    retracted_ids = {clean["retracts"] for _, clean, _ in readable if clean["retracts"]}
    known = {
        event_id: (vehicle_id, shipment_id)
        for event_id, vehicle_id, shipment_id in PartnerEvent.objects.filter(
            partner=partner, sandbox=sandbox, event_id__in=event_ids | retracted_ids
        ).values_list("event_id", "vehicle_id", "shipment_id")
    }
    rows: list[PartnerEvent] = []
    in_batch: dict[str, tuple[int | None, int | None]] = {}
    for index, clean, raw in readable:
        event_id = clean["event_id"]
        if event_id in known or event_id in in_batch:
            answer.duplicate += 1
            continue
        if clean["retracts"]:
            vehicle_id, shipment_id = (
                known.get(clean["retracts"]) or in_batch.get(clean["retracts"]) or (None, None)
            )
            row = PartnerEvent(
                partner=partner,
                event_id=event_id,
                retracts=clean["retracts"],
                vehicle_id=vehicle_id,
                shipment_id=shipment_id,
            )
        else:
            placed = on_shipments.get(clean["vin"])
            if placed is None:
                answer.errors.append(
                    _error(index, event_id, "unknown_vin", _unknown_vin(), {"vin": [_unknown_vin()]})
                )
                continue
            vehicle_id, shipment_id = placed
            row = PartnerEvent(
                partner=partner,
                event_id=event_id,
                vehicle_id=vehicle_id,
                shipment_id=shipment_id,
                code=clean["code"],
                classifier=clean["classifier"],
                occurred_at=clean["occurred_at"],
                reported_at=clean["reported_at"],
                location=clean["location"],
                vessel=clean["vessel"],
                voyage=clean["voyage"],
                remarks=clean["remarks"],
            )
        row.vocabulary, row.vocabulary_version = vocabulary, version
        row.sandbox = sandbox
        row.raw = _storable(raw) if isinstance(raw, dict) else {}
        row.actor_fill(actor)
        in_batch[event_id] = (row.vehicle_id, row.shipment_id)
        rows.append(row)
    answer.rejected = len(answer.errors)
    answer.errors.sort(key=lambda error: error["index"])
    with transaction.atomic():
        # A concurrent batch with the same event IDs: the unique key keeps the first.
        copy_insert(PartnerEvent, rows)
        if rows:
            transaction.on_commit(events_apply_enqueue, robust=True)
    answer.accepted = len(rows)
    return answer


def events_apply_enqueue() -> None:
    """Queue one apply task (after a commit, by the sweeper): it takes what is pending then."""
    from importorders.tasks import shipment_events_apply

    shipment_events_apply.delay()


def _key(event: PartnerEvent, partner_codes: dict[int, str]) -> str:
    return f"event:{partner_codes[event.partner_id]}/{event.event_id}"


class _Applier:
    """One batch's application (see the module docstring); one instance per transaction."""

    def __init__(self, actor: Actor, batch: list[PartnerEvent]) -> None:
        self.actor = actor
        self.batch = batch
        self.partner_codes = dict(LogisticsPartner.objects.values_list("pk", "code"))
        self.shipments: set[int] = set()
        self.told: list[int] = []

    def run(self) -> None:
        now = clock.now()
        ids = [event.pk for event in self.batch]
        PartnerEvent.objects.filter(pk__in=ids).update(applied_at=now)
        by_id = {(event.partner_id, event.sandbox, event.event_id): event for event in self.batch}
        targets = self._targets()
        # Lock every shipment the batch touches, in primary-key order, before any order.
        self.shipments = {e.shipment_id for e in self.batch if e.shipment_id} | {
            t.shipment_id for t in targets.values() if t.shipment_id
        }
        lock_rows(Shipment.objects.filter(pk__in=self.shipments))
        self.vehicles = Vehicle.objects.select_related("order").in_bulk(
            {e.vehicle_id for e in self.batch if e.vehicle_id} | {t.vehicle_id for t in targets.values()}
        )
        for retraction in (event for event in self.batch if event.retracts):
            slot = (retraction.partner_id, retraction.sandbox, retraction.retracts)
            target = by_id.get(slot) or targets.get(slot)
            if target is None:
                continue  # it finds this retraction when it comes
            if retraction.vehicle_id is None:
                retraction.vehicle_id, retraction.shipment_id = target.vehicle_id, target.shipment_id
                retraction.save(update_fields=["vehicle", "shipment"])
            if target.retracted:
                continue
            target.retracted = True
            target.save(update_fields=["retracted"])
            if target.pk not in ids and not target.sandbox:
                self._undo(target)
        # Events of this batch retracted by retractions applied earlier.
        earlier = set(
            PartnerEvent.objects.filter(
                applied_at__isnull=False, partner_id__in={e.partner_id for e in self.batch}
            )
            .filter(retracts__in=[e.event_id for e in self.batch if not e.retracts])
            .values_list("partner_id", "sandbox", "retracts")
        )
        for event in self.batch:
            slot = (event.partner_id, event.sandbox, event.event_id)
            if not event.retracts and not event.retracted and slot in earlier:
                event.retracted = True
                event.save(update_fields=["retracted"])
                # The retraction came first and named no VIN: it belongs to this vehicle now.
                PartnerEvent.objects.filter(
                    partner_id=event.partner_id,
                    sandbox=event.sandbox,
                    retracts=event.event_id,
                    vehicle__isnull=True,
                ).update(vehicle_id=event.vehicle_id, shipment_id=event.shipment_id)
        facts = sorted(
            (
                e
                for e in self.batch
                # A sandbox event moves its sandbox shipment's projection only: no order, no
                # exception, no dealer hears of it.
                if not e.retracts and not e.retracted and not e.sandbox and e.classifier == Classifier.ACTUAL
            ),
            key=lambda e: (e.occurred_at, e.event_id),
        )
        for event in facts:
            self._effects(event)
        for shipment_id in sorted(self.shipments):
            shipment = shipment_project(shipment_id=shipment_id)
            if not shipment.sandbox:
                self.told += shipment_check_slipping(shipment=shipment, actor=self.actor)

    def _targets(self) -> dict[tuple[int, str], PartnerEvent]:
        wanted = {(e.partner_id, e.sandbox, e.retracts) for e in self.batch if e.retracts}
        if not wanted:
            return {}
        rows = PartnerEvent.objects.filter(
            partner_id__in={p for p, _, _ in wanted},
            event_id__in={r for _, _, r in wanted},
            applied_at__isnull=False,
        ).exclude(pk__in=[e.pk for e in self.batch])
        return {
            (row.partner_id, row.sandbox, row.event_id): row
            for row in rows
            if (row.partner_id, row.sandbox, row.event_id) in wanted
        }

    # Effects ------------------------------------------------------------------------------------

    def _raise(self, event: PartnerEvent, kind: str, note: str, **extra) -> None:
        vehicle = self.vehicles[event.vehicle_id]
        exception, created = exception_raise(
            vehicle=vehicle,
            kind=kind,
            actor=self.actor,
            key=extra.pop("key", _key(event, self.partner_codes)),
            source=f"event {_key(event, self.partner_codes)[6:]}",
            note=note,
            details={"event_id": event.event_id, "code": event.code, **extra},
        )
        if created and kind in DEALER_TOLD:
            self.told.append(exception.pk)

    def _effects(self, event: PartnerEvent) -> None:
        if event.code in ORDER_TARGETS:
            self._advance(event, ORDER_TARGETS[event.code])
        if event.code == Milestone.DAMAGE_REPORTED:
            self._raise(event, ExceptionKind.DAMAGE, event.remarks or _("Damage reported by the partner."))
        elif event.code == Milestone.CUSTOMS_HOLD:
            released_after = PartnerEvent.objects.filter(
                vehicle_id=event.vehicle_id,
                code=Milestone.CUSTOMS_RELEASED,
                classifier=Classifier.ACTUAL,
                applied_at__isnull=False,
                retracted=False,
                occurred_at__gte=event.occurred_at,
            ).exists()
            if not released_after:
                self._raise(
                    event,
                    ExceptionKind.CUSTOMS_HOLD,
                    event.remarks or _("Held at customs."),
                    occurred_at=event.occurred_at.isoformat(),
                )
        elif event.code == Milestone.CUSTOMS_RELEASED:
            self._release_holds(event)
            order = self.vehicles[event.vehicle_id].order
            if order is not None and order.status == OrderStatus.CLEARED:
                self.vehicles[event.vehicle_id].order = order_release_attempt(order=order, actor=self.actor)

    def _release_holds(self, event: PartnerEvent) -> None:
        holds = VehicleException.objects.open().filter(
            vehicle_id=event.vehicle_id, kind=ExceptionKind.CUSTOMS_HOLD
        )
        for hold in holds.select_related("vehicle"):
            held_at = parse_datetime(str(hold.details.get("occurred_at", "")))
            if held_at is not None and held_at > event.occurred_at:
                continue  # a later hold: this release does not lift it
            exception_resolve(
                exception=hold,
                actor=self.actor,
                resolution=ExceptionResolution.RELEASED,
                reason=_("Released by customs (event %(event)s).") % {"event": event.event_id},
            )

    def _unfit(self, event: PartnerEvent, note: str, key: str | None = None) -> None:
        self._raise(event, ExceptionKind.UNFIT_EVENT, note, **({"key": key} if key else {}))

    def _advance(self, event: PartnerEvent, target: str) -> None:
        vehicle = self.vehicles[event.vehicle_id]
        order = vehicle.order
        if order is None:
            return
        if order.status not in PATH:
            self._unfit(
                event,
                _("The order is %(status)s: the event %(code)s does not fit it.")
                % {"status": order.get_status_display(), "code": event.get_code_display()},
            )
            return
        start, end = PATH.index(order.status), PATH.index(target)
        moved = False
        for status in PATH[start + 1 : end + 1]:
            move = MOVE_INTO[status]
            if move == "release":
                order = order_release_attempt(order=order, actor=self.actor)
                if order.status != OrderStatus.READY:
                    self._unfit(
                        event,
                        _("The event %(code)s came before the order was released for delivery.")
                        % {"code": event.get_code_display()},
                    )
                    break
            else:
                try:
                    order = order_milestone(order=order, actor=self.actor, move=move, reason=event.event_id)
                except Conflict:
                    self._unfit(event, _("The order's status does not allow this event's move."))
                    break
            moved = True
        vehicle.order = order
        if moved:
            event.moved_order = True
            event.save(update_fields=["moved_order"])

    def _undo(self, target: PartnerEvent) -> None:
        """Take back the effects of an event applied earlier and retracted now."""
        key = _key(target, self.partner_codes)
        open_rows = VehicleException.objects.open().filter(
            vehicle_id=target.vehicle_id,
            key=key,
            kind__in=[ExceptionKind.DAMAGE, ExceptionKind.CUSTOMS_HOLD],
        )
        for row in open_rows.select_related("vehicle"):
            exception_resolve(
                exception=row,
                actor=self.actor,
                resolution=ExceptionResolution.DISMISSED,
                reason=_("Retracted by the partner."),
            )
        # Not only when this event moved the order: another milestone may have moved it first and
        # been retracted since, so the order may now stand on this one alone.
        if (
            target.vehicle_id in self.vehicles
            and target.classifier == Classifier.ACTUAL
            and target.code in ORDER_TARGETS
        ):
            self._step_back(target, key)

    def _implied(self, vehicle_id: int) -> str:
        """The furthest status the vehicle's standing actual milestones imply (BUILT when none).

        Standing: applied, live, not retracted, and not named by an applied retraction (one of this
        batch may not be marked yet). One query.
        """
        retracted = PartnerEvent.objects.filter(
            partner_id=OuterRef("partner_id"),
            sandbox=False,
            retracts=OuterRef("event_id"),
            applied_at__isnull=False,
        )
        codes = (
            PartnerEvent.objects.filter(
                vehicle_id=vehicle_id,
                sandbox=False,
                classifier=Classifier.ACTUAL,
                code__in=list(ORDER_TARGETS),
                applied_at__isnull=False,
                retracted=False,
            )
            .exclude(Exists(retracted))
            .values_list("code", flat=True)
            .distinct()
        )
        return max((ORDER_TARGETS[code] for code in codes), key=PATH.index, default=OrderStatus.BUILT)

    def _step_back(self, target: PartnerEvent, key: str) -> None:
        """Move the order back to what its standing milestones imply, one recorded step at a time.

        A delivered order is final: a person looks at it (an "unfit_event" exception). A ready order
        stays ready while its milestones still imply cleared (the release is the gates' to take).
        """
        vehicle = self.vehicles[target.vehicle_id]
        if vehicle.order is None:
            return
        # Its status now, under its lock (after the shipments': the app's lock order).
        order = vehicle.order = order_lock(vehicle.order.pk)
        if order.status not in PATH:
            return
        implied = self._implied(target.vehicle_id)
        if PATH.index(implied) >= PATH.index(order.status):
            return
        if order.status in FINAL:
            self._unfit(
                target,
                _("The partner retracted an event that had moved the order; the order stays where it is."),
                key=f"retracted:{key[6:]}",
            )
            return
        if order.status == OrderStatus.READY and PATH.index(implied) >= PATH.index(OrderStatus.CLEARED):
            return
        reason = f"retracted:{key[6:]}"
        while PATH.index(order.status) > PATH.index(implied):
            order = order_milestone(
                order=order, actor=self.actor, move=MOVE_BACK_FROM[order.status], reason=reason
            )
        vehicle.order = order


def events_apply_pending(*, actor: Actor, limit: int = APPLY_BATCH) -> int:
    """Apply up to `limit` of the oldest unapplied events; returns how many were applied."""
    with transaction.atomic():
        batch = list(
            PartnerEvent.objects.filter(applied_at__isnull=True)
            # What the partner sent stays in the row: applying reads the canonical fields only.
            .defer("raw", "actor_user", "actor_ref", "actor_label", "actor_kind", "vocabulary")
            .order_by("received_at", "id")
            .select_for_update(skip_locked=True, of=("self",))[:limit]
        )
        if not batch:
            return 0
        applier = _Applier(actor, batch)
        applier.run()
        told = list(applier.told)
        if told:
            transaction.on_commit(lambda: tell_dealers(told), robust=True)
    return len(batch)


def tell_dealers(exception_ids: list[int]) -> None:
    """Queue one notification task per exception just raised (after the commit that raised it)."""
    from importorders.tasks import shipment_exception_notify

    for exception_id in exception_ids:
        shipment_exception_notify.delay(exception_id)


def events_pending_older_than(*, minutes: float) -> int:
    """How many events wait unapplied for longer than `minutes` (the sweeper's question)."""
    cutoff = clock.now() - dt.timedelta(minutes=minutes)
    return PartnerEvent.objects.filter(applied_at__isnull=True, received_at__lt=cutoff).count()
