"""The partner event inbox: every accepted shipment event, stored first and applied by Celery after.

A row is a fact a partner reported, in canonical terms (code, classifier, occurred_at, ...) beside
what it sent (`raw`). `(partner, sandbox, event_id)` is unique, so a duplicate is dropped by the
database (a sandbox key's events are apart from the live keys' of the same partner: docs/decisions/
0004).
`applied_at` is empty until the apply task has taken the event into its shipment's projection and
made its effects (order moves, exceptions); the beat sweeper re-enqueues rows left unapplied.
`retracted` is set when an event retracting this one has been applied (whichever arrived first).

Idempotency keys: a partner's `Idempotency-Key` header and the answer it got, kept for
IDEMPOTENCY_KEY_RETENTION_HOURS (docs/api.md) and deleted by a beat task after.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from core.actors import ActorColumns
from core.callers import Caller
from core.models import ClockDateTimeField
from core.scoping import ScopedQuerySet
from importorders.models.shipments import Classifier, Milestone


class PartnerEventQuerySet(ScopedQuerySet):
    """Back office all; a partner its own events; a dealer those about its own vehicles."""

    def restrict(self, caller: Caller) -> PartnerEventQuerySet:
        if caller.is_back_office:
            return self
        if caller.is_partner:
            return self.filter(partner_id=caller.partner_id, sandbox=caller.sandbox)
        if caller.is_dealer:
            return self.filter(vehicle__order__dealer_id=caller.dealer_id)
        return self.none()


class PartnerEvent(ActorColumns, models.Model):
    """One shipment event a partner reported (the inbox row); the actor is the partner's key."""

    partner = models.ForeignKey(
        "importorders.LogisticsPartner",
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("partner"),
    )
    event_id = models.CharField(_("event ID"), max_length=100)
    # Sent with a sandbox key: applied to a sandbox shipment's projection only, never with effects.
    sandbox = models.BooleanField(_("sandbox"), default=False)
    # Empty only on a retraction that arrived before the event it retracts (it names no VIN).
    vehicle = models.ForeignKey(
        "importorders.Vehicle",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shipment_events",
        verbose_name=_("vehicle"),
    )
    shipment = models.ForeignKey(
        "importorders.Shipment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("shipment"),
    )
    code = models.CharField(_("milestone"), max_length=30, choices=Milestone.choices, blank=True)
    classifier = models.CharField(_("classifier"), max_length=3, choices=Classifier.choices, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    # When the partner recorded the fact (an estimate made later wins over an earlier one).
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    location = models.CharField(_("location (UN/LOCODE)"), max_length=5, blank=True)
    vessel = models.CharField(_("vessel"), max_length=100, blank=True)
    voyage = models.CharField(_("voyage"), max_length=40, blank=True)
    remarks = models.CharField(_("remarks"), max_length=1000, blank=True)
    retracts = models.CharField(_("retracts event"), max_length=100, blank=True)
    vocabulary = models.CharField(_("vocabulary"), max_length=20)
    vocabulary_version = models.CharField(_("vocabulary version"), max_length=20, blank=True)
    raw = models.JSONField(_("as received"), default=dict)
    received_at = ClockDateTimeField(_("received at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    retracted = models.BooleanField(_("retracted"), default=False)
    # Whether applying it moved the vehicle's order (a retraction cannot move it back).
    moved_order = models.BooleanField(_("moved the order"), default=False)

    objects = PartnerEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("shipment event")
        verbose_name_plural = _("shipment events")
        ordering = ("occurred_at", "event_id")
        constraints = [
            models.UniqueConstraint(fields=("partner", "sandbox", "event_id"), name="partner_event_once"),
        ]
        indexes = [
            # The apply task and the sweeper: unapplied rows, oldest first.
            models.Index(
                fields=("received_at", "id"),
                condition=Q(applied_at__isnull=True),
                name="partner_event_pending",
            ),
            # The projection and the timeline.
            models.Index(fields=("shipment", "occurred_at"), name="partner_event_shipment"),
            models.Index(fields=("vehicle", "occurred_at"), name="partner_event_vehicle"),
            # The projection's winners: per shipment, milestone and classifier, the latest reported
            # of the applied, unretracted events (importorders.services.shipments._WINNERS_SQL).
            models.Index(
                F("shipment"),
                F("code"),
                F("classifier"),
                Coalesce("reported_at", "occurred_at").desc(),
                F("occurred_at").desc(),
                condition=Q(applied_at__isnull=False, retracted=False, retracts=""),
                name="partner_event_winner",
            ),
            # Finding what a retraction retracts.
            models.Index(fields=("partner", "sandbox", "retracts"), name="partner_event_retracts"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}/{self.event_id}"

    @property
    def is_retraction(self) -> bool:
        return bool(self.retracts)


class IdempotencyKeyQuerySet(ScopedQuerySet):
    def restrict(self, caller: Caller) -> IdempotencyKeyQuerySet:
        return self.for_back_office_only(caller)


class PartnerIdempotencyKey(models.Model):
    """A partner's `Idempotency-Key`, the hash of the body it came with, and the answer given."""

    class State(models.TextChoices):
        IN_FLIGHT = "in_flight", _("in flight")
        DONE = "done", _("done")

    partner = models.ForeignKey(
        "importorders.LogisticsPartner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    key = models.CharField(_("key"), max_length=200)
    # A sandbox key's idempotency keys are apart from the live keys' of the same partner.
    sandbox = models.BooleanField(_("sandbox"), default=False)
    body_sha256 = models.CharField(_("body hash"), max_length=64)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.IN_FLIGHT)
    status_code = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    response = models.JSONField(_("response"), null=True, blank=True)
    created_at = ClockDateTimeField(_("created at"), auto_now_add=True)

    objects = IdempotencyKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(
                fields=("partner", "sandbox", "key"), name="partner_idempotency_key_once"
            ),
        ]
        indexes = [models.Index(fields=("created_at",), name="partner_idempotency_age")]

    def __str__(self) -> str:
        return f"{self.partner_id}:{self.key}"
