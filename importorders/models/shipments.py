"""Shipments: the vehicles a logistics partner moves, their route and, per milestone, the planned,
estimated and actual times; the vocabularies partners report in; the stale and slipping thresholds.

A shipment belongs to one partner. A vehicle is on one shipment at a time (`ShipmentVehicle`, one
row per vehicle). The promised at-dealer date is the shipment's: operations set it when they
schedule the shipment (create it in the admin), and events never move it; the current estimate
beside it (`eta_at_dealer`) is what the partner's events say now. Milestone times, the current
milestone and the estimate are a projection of the shipment's events (importorders.services.
shipments.shipment_project), recomputed from every applied event, so the order in which events
arrive never changes them.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.actors import ActorColumns
from core.callers import Caller
from core.models import TimeStampedModel
from core.scoping import ScopedQuerySet

# UN/LOCODE: a two-letter country code and three letters or digits 2-9 (e.g. JPMKW, USLGB).
LOCODE_PATTERN = r"^[A-Z]{2}[A-Z2-9]{3}$"
locode_validator = RegexValidator(
    LOCODE_PATTERN, _("A UN/LOCODE is five characters: the country (2 letters) and the place (3).")
)


class Milestone(models.TextChoices):
    """The canonical milestone codes (DESIGN "Shipment events"), in the order a vehicle meets them."""

    RELEASED_FROM_PLANT = "released_from_plant", pgettext_lazy("milestone", "released from the plant")
    GATE_IN_ORIGIN_PORT = "gate_in_origin_port", pgettext_lazy("milestone", "gate in at the origin port")
    LOADED = "loaded", pgettext_lazy("milestone", "loaded")
    VESSEL_DEPARTED = "vessel_departed", pgettext_lazy("milestone", "vessel departed")
    VESSEL_ARRIVED = "vessel_arrived", pgettext_lazy("milestone", "vessel arrived")
    DISCHARGED = "discharged", pgettext_lazy("milestone", "discharged")
    CUSTOMS_HOLD = "customs_hold", pgettext_lazy("milestone", "held at customs")
    CUSTOMS_RELEASED = "customs_released", pgettext_lazy("milestone", "released by customs")
    ARRIVED_PROCESSING_CENTER = (
        "arrived_processing_center",
        pgettext_lazy("milestone", "arrived at the processing centre"),
    )
    DISPATCHED_TO_DEALER = "dispatched_to_dealer", pgettext_lazy("milestone", "dispatched to the dealer")
    DELIVERED_TO_DEALER = "delivered_to_dealer", pgettext_lazy("milestone", "delivered to the dealer")
    DAMAGE_REPORTED = "damage_reported", pgettext_lazy("milestone", "damage reported")
    DELAYED = "delayed", pgettext_lazy("milestone", "delayed")


# The milestones a shipment passes, in order: the current milestone is the furthest with an actual
# time. Damage and delay are facts about the trip, not places on it.
ROUTE = (
    Milestone.RELEASED_FROM_PLANT,
    Milestone.GATE_IN_ORIGIN_PORT,
    Milestone.LOADED,
    Milestone.VESSEL_DEPARTED,
    Milestone.VESSEL_ARRIVED,
    Milestone.DISCHARGED,
    Milestone.CUSTOMS_HOLD,
    Milestone.CUSTOMS_RELEASED,
    Milestone.ARRIVED_PROCESSING_CENTER,
    Milestone.DISPATCHED_TO_DEALER,
    Milestone.DELIVERED_TO_DEALER,
)


class Classifier(models.TextChoices):
    PLANNED = "PLN", pgettext_lazy("event classifier", "planned")
    ESTIMATED = "EST", pgettext_lazy("event classifier", "estimated")
    ACTUAL = "ACT", pgettext_lazy("event classifier", "actual")


class ShipmentQuerySet(ScopedQuerySet):
    """The back office sees every shipment; a partner its own; a dealer those carrying its vehicles."""

    def restrict(self, caller: Caller) -> ShipmentQuerySet:
        if caller.is_back_office:
            return self
        if caller.is_partner:
            return self.filter(partner_id=caller.partner_id, sandbox=caller.sandbox)
        if caller.is_dealer:
            carrying = ShipmentVehicle.objects.filter(
                shipment_id=OuterRef("pk"), vehicle__order__dealer_id=caller.dealer_id
            )
            return self.filter(Exists(carrying))
        return self.none()


class Shipment(ActorColumns, TimeStampedModel):
    """Vehicles a partner moves from an origin to a destination; the actor is who scheduled it."""

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    partner = models.ForeignKey(
        "importorders.LogisticsPartner",
        on_delete=models.PROTECT,
        related_name="shipments",
        verbose_name=_("partner"),
    )
    origin = models.CharField(_("origin (UN/LOCODE)"), max_length=5, validators=[locode_validator])
    destination = models.CharField(_("destination (UN/LOCODE)"), max_length=5, validators=[locode_validator])
    vessel = models.CharField(_("vessel"), max_length=100, blank=True)
    voyage = models.CharField(_("voyage"), max_length=40, blank=True)
    promised_at_dealer = models.DateField(
        _("promised at dealer"),
        null=True,
        blank=True,
        help_text=_("Set when the shipment is scheduled; events never move it."),
    )
    # The projection of the applied events (services.shipments.shipment_project).
    current_milestone = models.CharField(
        _("current milestone"), max_length=30, choices=Milestone.choices, blank=True
    )
    eta_at_dealer = models.DateTimeField(_("estimated at dealer"), null=True, blank=True)
    last_event_at = models.DateTimeField(_("last event"), null=True, blank=True)
    # A sandbox shipment carries sandbox vehicles only and is seen by sandbox keys only.
    sandbox = models.BooleanField(_("sandbox"), default=False, editable=False)

    objects = ShipmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ("-created_at", "-id")
        indexes = [
            # A partner's list, newest first (partner/shipments/), for its live or its sandbox key.
            models.Index(fields=("partner", "sandbox", "-id"), name="shipment_partner_newest"),
            # The stale and slipping sweep: shipments in transit by their last event.
            models.Index(fields=("current_milestone", "last_event_at"), name="shipment_in_transit"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(origin__regex=LOCODE_PATTERN)
                & models.Q(destination__regex=LOCODE_PATTERN),
                name="shipment_locodes",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class ShipmentVehicleQuerySet(ScopedQuerySet):
    """Like shipments: back office all, a partner its shipments', a dealer its own vehicles'."""

    def restrict(self, caller: Caller) -> ShipmentVehicleQuerySet:
        if caller.is_back_office:
            return self
        if caller.is_partner:
            return self.filter(shipment__partner_id=caller.partner_id, shipment__sandbox=caller.sandbox)
        if caller.is_dealer:
            return self.filter(vehicle__order__dealer_id=caller.dealer_id)
        return self.none()


class ShipmentVehicle(ActorColumns, TimeStampedModel):
    """A vehicle on a shipment: one row per vehicle (one shipment at a time); the actor assigned it."""

    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("shipment")
    )
    vehicle = models.OneToOneField(
        "importorders.Vehicle",
        on_delete=models.PROTECT,
        related_name="shipment_assignment",
        verbose_name=_("vehicle"),
    )

    objects = ShipmentVehicleQuerySet.as_manager()

    class Meta:
        verbose_name = _("vehicle on a shipment")
        verbose_name_plural = _("vehicles on shipments")
        ordering = ("shipment", "id")

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.vehicle_id}"


class ShipmentMilestoneQuerySet(ScopedQuerySet):
    def restrict(self, caller: Caller) -> ShipmentMilestoneQuerySet:
        return self.filter(shipment__in=Shipment.objects.restrict(caller))


class ShipmentMilestone(models.Model):
    """One milestone of a shipment with its planned, estimated and actual times (a projection)."""

    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("shipment")
    )
    code = models.CharField(_("milestone"), max_length=30, choices=Milestone.choices)
    planned_at = models.DateTimeField(_("planned"), null=True, blank=True)
    estimated_at = models.DateTimeField(_("estimated"), null=True, blank=True)
    actual_at = models.DateTimeField(_("actual"), null=True, blank=True)

    objects = ShipmentMilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("shipment milestone")
        verbose_name_plural = _("shipment milestones")
        ordering = ("shipment", "id")
        constraints = [
            models.UniqueConstraint(fields=("shipment", "code"), name="shipment_milestone_once"),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id} {self.code}"


class VocabularyMappingQuerySet(ScopedQuerySet):
    """Reference data: the back office reads and edits it; partners read it in the docs."""

    def restrict(self, caller: Caller) -> VocabularyMappingQuerySet:
        return self.for_back_office_only(caller)


class VocabularyMapping(models.Model):
    """One partner-vocabulary code (of one version) and the canonical milestone it means.

    `classifier` is the classifier the code implies when the message carries none (UN/CEFACT Rec. 24
    status codes report what happened: ACT); blank where the message says it (DCSA).
    """

    vocabulary = models.CharField(_("vocabulary"), max_length=20)
    version = models.CharField(_("version"), max_length=20)
    external_code = models.CharField(_("code"), max_length=20)
    milestone = models.CharField(_("milestone"), max_length=30, choices=Milestone.choices)
    classifier = models.CharField(_("classifier"), max_length=3, choices=Classifier.choices, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)

    objects = VocabularyMappingQuerySet.as_manager()

    class Meta:
        verbose_name = _("vocabulary mapping")
        verbose_name_plural = _("vocabulary mappings")
        ordering = ("vocabulary", "version", "external_code")
        constraints = [
            models.UniqueConstraint(
                fields=("vocabulary", "version", "external_code"), name="vocabulary_mapping_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vocabulary} {self.version} {self.external_code} → {self.milestone}"


class ShipmentThresholdQuerySet(ScopedQuerySet):
    def restrict(self, caller: Caller) -> ShipmentThresholdQuerySet:
        return self.for_back_office_only(caller)


class ShipmentThreshold(models.Model):
    """A threshold of the stale and slipping sweep, as data the back office may change.

    `stale_days`: no event for this many days while in transit raises "stale";
    `slipping_days`: an at-dealer estimate later than the promise by more than this raises "slipping".
    """

    class Name(models.TextChoices):
        STALE_DAYS = "stale_days", _("days without an event in transit")
        SLIPPING_DAYS = "slipping_days", _("days the estimate may slip past the promise")

    name = models.CharField(_("name"), max_length=20, choices=Name.choices, unique=True)
    days = models.PositiveIntegerField(_("days"))

    objects = ShipmentThresholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("shipment threshold")
        verbose_name_plural = _("shipment thresholds")
        ordering = ("name",)

    def __str__(self) -> str:
        return f"{self.name}={self.days}"
