"""Exceptions: custody and logistics facts the back office must deal with, per vehicle.

A damage found at a handover inspection or reported by a partner, a customs hold, a shipment event
that does not fit the order's status, a shipment gone quiet or an at-dealer estimate slipping past
the promise: each raises one exception on the vehicle. Those that block release (damage, customs
holds) keep the order from `ready` through importorders' own release gate until the back office
resolves them with a reason. Raising is idempotent per (vehicle, kind, key) while open, so the same
fact reported again tells nobody twice (importorders.services.exceptions).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.actors import ActorColumns, ActorKindChoice
from core.callers import Caller
from core.models import TimeStampedModel
from core.scoping import ScopedQuerySet


class ExceptionKind(models.TextChoices):
    DAMAGE = "damage", _("damage")
    CUSTOMS_HOLD = "customs_hold", _("customs hold")
    UNFIT_EVENT = "unfit_event", _("event out of sequence")
    STALE = "stale", _("no news from the shipment")
    SLIPPING = "slipping", _("arrival slipping past the promise")


# The kinds that block release until resolved, unless the raiser says otherwise.
BLOCKING_KINDS = frozenset({ExceptionKind.DAMAGE, ExceptionKind.CUSTOMS_HOLD})


class ExceptionStatus(models.TextChoices):
    OPEN = "open", _("open")
    RESOLVED = "resolved", _("resolved")


class ExceptionResolution(models.TextChoices):
    REPAIRED = "repaired", _("repaired")
    ACCEPTED = "accepted", _("accepted as is")
    CLAIMED = "claimed", _("claimed against the carrier")
    RELEASED = "released", _("released (hold lifted)")
    DISMISSED = "dismissed", _("dismissed (no action needed)")


class VehicleExceptionQuerySet(ScopedQuerySet):
    """The back office sees every exception; a dealer those on the vehicles of its own orders."""

    def restrict(self, caller: Caller) -> VehicleExceptionQuerySet:
        if caller.is_back_office:
            return self
        if caller.is_dealer:
            return self.filter(vehicle__order__dealer_id=caller.dealer_id)
        return self.none()

    def open(self) -> VehicleExceptionQuerySet:
        return self.filter(status=ExceptionStatus.OPEN)


class VehicleException(ActorColumns, TimeStampedModel):
    """One exception on one vehicle; the actor columns are who raised it, `resolver_*` who resolved it."""

    vehicle = models.ForeignKey(
        "importorders.Vehicle", on_delete=models.PROTECT, related_name="exceptions", verbose_name=_("vehicle")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ExceptionKind.choices)
    # What makes two reports the same fact (an inspection's damage entry, a partner's hold event,
    # "stale since <date>"): one open exception per (vehicle, kind, key).
    key = models.CharField(_("key"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ExceptionStatus.choices, default=ExceptionStatus.OPEN
    )
    blocks_release = models.BooleanField(_("blocks release"), default=False)
    # Where it came from, for the reader: "inspection 12", "event MAERSK/evt-881".
    source = models.CharField(_("source"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=4000)
    details = models.JSONField(_("details"), default=dict, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.CharField(
        _("resolution"), max_length=12, choices=ExceptionResolution.choices, blank=True
    )
    resolution_reason = models.TextField(_("reason"), blank=True, max_length=2000)
    resolver_kind = models.CharField(
        _("resolved by (kind)"), max_length=20, choices=ActorKindChoice.choices, blank=True
    )
    resolver_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolver_ref = models.CharField(_("resolved by (reference)"), max_length=150, blank=True)
    resolver_label = models.CharField(_("resolved by (name)"), max_length=300, blank=True)

    objects = VehicleExceptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("exception")
        verbose_name_plural = _("exceptions")
        ordering = ("-created_at", "-id")
        indexes = [
            # The release gate and the vehicle page: a vehicle's open exceptions.
            models.Index(fields=("vehicle", "status"), name="vehicle_exception_vehicle"),
            # The back office's work list: open first, oldest first, by kind.
            models.Index(fields=("status", "kind", "created_at", "id"), name="vehicle_exception_queue"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=("vehicle", "kind", "key"),
                condition=Q(status="open"),
                name="vehicle_exception_one_open",
            ),
            models.CheckConstraint(
                condition=(Q(status="open") & Q(resolution="") & Q(resolved_at__isnull=True))
                | (Q(status="resolved") & ~Q(resolution="") & Q(resolved_at__isnull=False)),
                name="vehicle_exception_resolved_has_resolution",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vehicle_id} {self.kind}"
