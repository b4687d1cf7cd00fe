"""Stale and slipping shipments: thresholds as data (ShipmentThreshold), raised once, told once.

- stale: a shipment in transit (an actual milestone reached, not yet delivered) whose last event is
  older than `stale_days` raises a "stale" exception on each of its vehicles; the key names the
  quiet spell (its last event), so the same silence raises once however often the beat looks.
- slipping: an at-dealer estimate later than the promised date by more than `slipping_days`
  raises "slipping" on each vehicle, keyed by the promise: later estimates for the same promise
  tell nobody again.
The dealer is told when an exception is created (services.events_notifications), never on a repeat.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.actors import Actor
from importorders.models import ExceptionKind, Milestone, Shipment, ShipmentThreshold
from importorders.services.exceptions import exception_raise

DEFAULTS = {ShipmentThreshold.Name.STALE_DAYS: 5, ShipmentThreshold.Name.SLIPPING_DAYS: 3}


def threshold_days(name: str) -> int:
    """The threshold's days from the table, else its default."""
    row = ShipmentThreshold.objects.filter(name=name).first()
    return row.days if row is not None else DEFAULTS[name]


def _raise_on_vehicles(shipment: Shipment, kind: str, key: str, note: str, actor: Actor) -> list[int]:
    created_ids = []
    for assignment in shipment.assignments.select_related("vehicle"):
        exception, created = exception_raise(
            vehicle=assignment.vehicle,
            kind=kind,
            actor=actor,
            key=key,
            source=f"shipment {shipment.reference}",
            note=note,
            details={"shipment": shipment.reference},
        )
        if created:
            created_ids.append(exception.pk)
    return created_ids


def shipment_check_slipping(*, shipment: Shipment, actor: Actor) -> list[int]:
    """Raise "slipping" when the at-dealer estimate passes the promise by more than the threshold;
    returns the ids of exceptions created now (to tell the dealer)."""
    if shipment.promised_at_dealer is None or shipment.eta_at_dealer is None:
        return []
    days = threshold_days(ShipmentThreshold.Name.SLIPPING_DAYS)
    estimate = clock.to_jst(shipment.eta_at_dealer).date()
    if estimate <= shipment.promised_at_dealer + dt.timedelta(days=days):
        return []
    note = _("Estimated at the dealer on %(estimate)s, promised for %(promise)s.") % {
        "estimate": estimate.isoformat(),
        "promise": shipment.promised_at_dealer.isoformat(),
    }
    key = f"slipping:{shipment.reference}:{shipment.promised_at_dealer.isoformat()}"
    return _raise_on_vehicles(shipment, ExceptionKind.SLIPPING, key, note, actor)


def shipments_watch(*, actor: Actor) -> list[int]:
    """The beat's sweep: raise stale and slipping exceptions where due; returns the ids created."""
    from importorders.services.events import tell_dealers

    stale_before = clock.now() - dt.timedelta(days=threshold_days(ShipmentThreshold.Name.STALE_DAYS))
    created: list[int] = []
    with transaction.atomic():
        in_transit = (
            # Sandbox shipments raise nothing: their events are a partner's rehearsal.
            Shipment.objects.filter(sandbox=False)
            .exclude(current_milestone__in=["", Milestone.DELIVERED_TO_DEALER])
            .filter(last_event_at__lt=stale_before)
            .order_by("pk")
        )
        for shipment in in_transit:
            note = _("No event since %(last)s.") % {"last": clock.to_jst(shipment.last_event_at).isoformat()}
            key = f"stale:{shipment.reference}:{shipment.last_event_at.isoformat()}"
            created += _raise_on_vehicles(shipment, ExceptionKind.STALE, key, note, actor)
        promised = Shipment.objects.filter(
            sandbox=False, promised_at_dealer__isnull=False, eta_at_dealer__isnull=False
        ).exclude(current_milestone=Milestone.DELIVERED_TO_DEALER)
        for shipment in promised.order_by("pk"):
            created += shipment_check_slipping(shipment=shipment, actor=actor)
        if created:
            ids = list(created)
            transaction.on_commit(lambda: tell_dealers(ids), robust=True)
    return created
