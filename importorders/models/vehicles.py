"""Vehicles: one per built order (its VIN assigned by operations), and stock vehicles without one.

A vehicle is addressed by its VIN (49 CFR 565: 17 characters, never I, O or Q; catalog.vin holds
the rules). The VIN is unique by a database constraint, and a check constraint keeps its length and
alphabet, so no write path (admin, shell, a future import) can store one the validation refused.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.actors import ActorColumns
from core.callers import Caller
from core.models import TimeStampedModel
from core.scoping import ScopedQuerySet

# The 33 VIN characters (catalog.vin.VIN_CHARACTERS), as the check constraint spells them.
VIN_PATTERN = r"^[0-9A-HJ-NPR-Z]{17}$"


class VehicleQuerySet(ScopedQuerySet):
    """Vehicles a caller may see: the back office all, a dealer those of its own orders, a partner
    those on its shipments (importorders.models.shipments); a stock vehicle without an order and off
    every shipment is the back office's alone.
    """

    def restrict(self, caller: Caller) -> VehicleQuerySet:
        if caller.is_back_office:
            return self
        if caller.is_dealer:
            return self.filter(order__dealer_id=caller.dealer_id)
        if caller.is_partner:
            return self.filter(
                shipment_assignment__shipment__partner_id=caller.partner_id,
                shipment_assignment__shipment__sandbox=caller.sandbox,
            )
        return self.none()


class Vehicle(ActorColumns, TimeStampedModel):
    """A built vehicle with its VIN, plant, build and build date; the actor is who assigned the VIN."""

    vin = models.CharField(_("VIN"), max_length=17, unique=True)
    order = models.OneToOneField(
        "importorders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vehicle",
        verbose_name=_("order"),
        help_text=_("Empty for a stock vehicle not yet ordered."),
    )
    plant = models.ForeignKey(
        "catalog.Plant", on_delete=models.PROTECT, related_name="vehicles", verbose_name=_("plant")
    )
    model_year = models.ForeignKey(
        "catalog.ModelYear", on_delete=models.PROTECT, related_name="vehicles", verbose_name=_("model year")
    )
    trim = models.ForeignKey(
        "catalog.Trim", on_delete=models.PROTECT, related_name="vehicles", verbose_name=_("trim")
    )
    color = models.ForeignKey(
        "catalog.Color", on_delete=models.PROTECT, related_name="vehicles", verbose_name=_("colour")
    )
    build_date = models.DateField(_("build date"))
    # A partner sandbox's vehicle: never ordered, only ever on a sandbox shipment.
    sandbox = models.BooleanField(_("sandbox"), default=False, editable=False)

    objects = VehicleQuerySet.as_manager()

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(condition=Q(vin__regex=VIN_PATTERN), name="vehicle_vin_characters"),
            # No write path can give a sandbox vehicle an order, so no sandbox event can move one.
            models.CheckConstraint(
                condition=Q(sandbox=False) | Q(order__isnull=True), name="vehicle_sandbox_unordered"
            ),
        ]

    def __str__(self) -> str:
        return self.vin
