"""Handover inspections: at each change of custody (plant, port, vessel, processing centre, dealer)
a record of the vehicle's condition, with photos (checked and stored like documents: core.storage)
and damage entries coded area x type x severity in the AIAG/ECG M-22 scheme. The codes are data
(DamageCode rows, seeded), never constants. Each damage entry raises one exception on the vehicle
(importorders.services.inspections), which blocks release until the back office resolves it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.actors import ActorColumns
from core.callers import Caller
from core.models import BilingualNamed, TimeStampedModel
from core.scoping import ScopedQuerySet


class DamageDimension(models.TextChoices):
    AREA = "area", _("area")
    TYPE = "type", _("damage type")
    SEVERITY = "severity", _("severity")


class DamageCodeQuerySet(ScopedQuerySet):
    """Reference data: the back office sees every code, dealers and partners the active ones."""

    def restrict(self, caller: Caller) -> DamageCodeQuerySet:
        if caller.is_back_office:
            return self
        if caller.is_dealer or caller.is_partner:
            return self.filter(active=True)
        return self.none()


class DamageCode(BilingualNamed, TimeStampedModel):
    """One code of one M-22 dimension: an area of the vehicle, a type of damage, or a severity."""

    dimension = models.CharField(_("dimension"), max_length=10, choices=DamageDimension.choices)
    code = models.CharField(_("code"), max_length=4)
    active = models.BooleanField(_("active"), default=True)
    objects = DamageCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("damage code")
        verbose_name_plural = _("damage codes")
        ordering = ("dimension", "code")
        constraints = [models.UniqueConstraint(fields=("dimension", "code"), name="damage_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name_en}"


class CustodyPoint(models.TextChoices):
    PLANT = "plant", _("plant")
    PORT = "port", _("port")
    VESSEL = "vessel", _("vessel")
    PROCESSING_CENTRE = "processing_centre", _("processing centre")
    DEALER = "dealer", _("dealer")


class InspectionQuerySet(ScopedQuerySet):
    """The back office sees every inspection; a dealer those of the vehicles of its own orders."""

    def restrict(self, caller: Caller) -> InspectionQuerySet:
        if caller.is_back_office:
            return self
        if caller.is_dealer:
            return self.filter(vehicle__order__dealer_id=caller.dealer_id)
        return self.none()


class HandoverInspection(ActorColumns, TimeStampedModel):
    """One inspection at one change of custody; the actor is who inspected (recorded it)."""

    vehicle = models.ForeignKey(
        "importorders.Vehicle",
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("vehicle"),
    )
    custody_point = models.CharField(_("handed over at"), max_length=20, choices=CustodyPoint.choices)
    location = models.CharField(_("location"), max_length=200, blank=True)
    inspected_at = models.DateTimeField(_("inspected at"))
    note = models.TextField(_("note"), blank=True, max_length=4000)
    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("handover inspection")
        verbose_name_plural = _("handover inspections")
        ordering = ("-inspected_at", "-id")
        indexes = [models.Index(fields=("vehicle", "inspected_at"), name="inspection_vehicle")]

    def __str__(self) -> str:
        return f"{self.vehicle_id} {self.custody_point}"


class InspectionChildQuerySet(ScopedQuerySet):
    """Photos and damage entries follow their inspection's visibility."""

    def restrict(self, caller: Caller) -> InspectionChildQuerySet:
        if caller.is_back_office:
            return self
        if caller.is_dealer:
            return self.filter(inspection__vehicle__order__dealer_id=caller.dealer_id)
        return self.none()


class InspectionPhoto(TimeStampedModel):
    """A photo of an inspection, in private storage under a key the server made."""

    inspection = models.ForeignKey(
        HandoverInspection, on_delete=models.PROTECT, related_name="photos", verbose_name=_("inspection")
    )
    file_kind = models.CharField(_("file kind"), max_length=8)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    storage_key = models.CharField(_("storage key"), max_length=120, unique=True)
    original_name = models.CharField(_("file name as uploaded"), max_length=255, blank=True)
    objects = InspectionChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self.inspection_id} photo {self.pk}"


class DamageEntry(TimeStampedModel):
    """One damage found: area x type x severity (M-22 codes), with a note."""

    inspection = models.ForeignKey(
        HandoverInspection, on_delete=models.PROTECT, related_name="damages", verbose_name=_("inspection")
    )
    area = models.ForeignKey(
        DamageCode,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("area"),
        limit_choices_to=Q(dimension="area"),
    )
    damage_type = models.ForeignKey(
        DamageCode,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("damage type"),
        limit_choices_to=Q(dimension="type"),
    )
    severity = models.ForeignKey(
        DamageCode,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("severity"),
        limit_choices_to=Q(dimension="severity"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    objects = InspectionChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("damage entry")
        verbose_name_plural = _("damage entries")
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self.area_id}-{self.damage_type_id}-{self.severity_id}"

    @property
    def m22_code(self) -> str:
        """The entry as the M-22 scheme writes it: area, type and severity codes."""
        return f"{self.area.code}-{self.damage_type.code}-{self.severity.code}"
