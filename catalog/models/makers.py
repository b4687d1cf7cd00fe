"""Makers and the US plants that build their vehicles, with the VIN identifiers each plant uses."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models.base import BilingualNamed, code_field
from catalog.models.scoping import MakerQuerySet, PlantQuerySet, PlantWmiQuerySet
from catalog.vin import plant_letter_validator, wmi_validator
from core.history import AuditedHistory
from core.models import TimeStampedModel


class Maker(BilingualNamed, TimeStampedModel):
    """A vehicle maker that re-imports its US-built models into Japan."""

    code = code_field(unique=True)
    active = models.BooleanField(_("active"), default=True, db_index=True)
    history = AuditedHistory()
    objects = MakerQuerySet.as_manager()

    class Meta:
        verbose_name = _("maker")
        verbose_name_plural = _("makers")
        ordering = ("code",)

    def __str__(self) -> str:
        return self.code


class Plant(BilingualNamed, TimeStampedModel):
    """A plant where a maker builds vehicles; its VIN plant letter and WMIs are data, not code."""

    maker = models.ForeignKey(Maker, on_delete=models.PROTECT, related_name="plants", verbose_name=_("maker"))
    code = code_field(unique=True)
    city = models.CharField(_("city"), max_length=100)
    state = models.CharField(_("state"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="US", help_text=_("ISO 3166-1 alpha-2"))
    vin_plant_letter = models.CharField(
        _("VIN plant letter"),
        max_length=1,
        blank=True,
        validators=[plant_letter_validator],
        help_text=_("VIN position 11. Public sources disagree for some plants: keep it current here."),
    )
    active = models.BooleanField(_("active"), default=True, db_index=True)
    history = AuditedHistory()
    objects = PlantQuerySet.as_manager()

    class Meta:
        verbose_name = _("plant")
        verbose_name_plural = _("plants")
        ordering = ("maker__code", "code")

    def __str__(self) -> str:
        return self.code


class PlantWmi(TimeStampedModel):
    """A world manufacturer identifier (VIN positions 1-3) that vehicles from a plant carry."""

    plant = models.ForeignKey(Plant, on_delete=models.CASCADE, related_name="wmis", verbose_name=_("plant"))
    wmi = models.CharField(_("WMI"), max_length=3, validators=[wmi_validator], db_index=True)
    description = models.CharField(
        _("description"), max_length=200, blank=True, help_text=_("e.g. passenger car, multipurpose, truck")
    )
    history = AuditedHistory()
    objects = PlantWmiQuerySet.as_manager()

    class Meta:
        verbose_name = _("plant WMI")
        verbose_name_plural = _("plant WMIs")
        ordering = ("plant__code", "wmi")
        constraints = [models.UniqueConstraint(fields=("plant", "wmi"), name="catalog_plantwmi_unique")]

    def __str__(self) -> str:
        return f"{self.plant_id}:{self.wmi}"
