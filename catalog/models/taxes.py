"""Taxes on an imported car, each with the dates it applies: [effective_from, effective_to)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from catalog.models.base import BilingualNamed, code_field, effective_dates_valid, jpy_field
from catalog.models.scoping import CatalogQuerySet
from catalog.models.vehicles import VehicleModel
from core.history import AuditedHistory
from core.models import TimeStampedModel


class TaxKind(models.TextChoices):
    IMPORT_DUTY = "import_duty", _("import duty")
    CONSUMPTION_TAX = "consumption_tax", _("import consumption tax")
    ENVIRONMENTAL_LEVY = "environmental_levy", _("environmental performance levy")


class TaxRule(BilingualNamed, TimeStampedModel):
    """A tax rate (or fixed amount) of one kind, in effect over a period, optionally for one model."""

    code = code_field(unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=TaxKind.choices)
    vehicle_model = models.ForeignKey(
        VehicleModel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tax_rules",
        verbose_name=_("vehicle model"),
        help_text=_("Empty for a rule on every model; a model's own rule wins over it."),
    )
    rate = models.DecimalField(_("rate"), max_digits=6, decimal_places=4, null=True, blank=True)
    amount_jpy = jpy_field(_("amount (JPY)"), null=True, blank=True)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(
        _("effective to"), null=True, blank=True, help_text=_("The first day it no longer applies.")
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    history = AuditedHistory()
    objects = CatalogQuerySet.as_manager()

    class Meta:
        verbose_name = _("tax rule")
        verbose_name_plural = _("tax rules")
        ordering = ("kind", "-effective_from")
        indexes = [models.Index(fields=("kind", "effective_from"), name="catalog_taxrule_lookup")]
        constraints = [
            effective_dates_valid("catalog_taxrule"),
            models.CheckConstraint(
                condition=(
                    Q(rate__isnull=False) & Q(amount_jpy__isnull=True) & Q(rate__gte=0) & Q(rate__lte=1)
                )
                | (Q(rate__isnull=True) & Q(amount_jpy__isnull=False) & Q(amount_jpy__gte=0)),
                name="catalog_taxrule_rate_or_amount",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        if (self.rate is None) == (self.amount_jpy is None):
            raise ValidationError(_("Give either a rate or an amount, not both."))


class AutomobileTaxBracket(TimeStampedModel):
    """Annual automobile tax for a private passenger car, by displacement (electric: lowest bracket)."""

    displacement_over_cc = models.PositiveIntegerField(_("displacement over (cc)"))
    displacement_upto_cc = models.PositiveIntegerField(
        _("displacement up to (cc)"), null=True, blank=True, help_text=_("Empty for the top bracket.")
    )
    amount_jpy = jpy_field(_("annual tax (JPY)"))
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    history = AuditedHistory()
    objects = CatalogQuerySet.as_manager()

    class Meta:
        verbose_name = _("automobile tax bracket")
        verbose_name_plural = _("automobile tax brackets")
        ordering = ("-effective_from", "displacement_over_cc")
        indexes = [
            models.Index(fields=("effective_from", "displacement_over_cc"), name="catalog_autotax_lookup")
        ]
        constraints = [
            effective_dates_valid("catalog_autotaxbracket"),
            models.UniqueConstraint(
                fields=("effective_from", "displacement_over_cc"), name="catalog_autotaxbracket_unique"
            ),
            models.CheckConstraint(
                condition=Q(displacement_upto_cc__isnull=True)
                | Q(displacement_upto_cc__gt=F("displacement_over_cc")),
                name="catalog_autotaxbracket_bounds",
            ),
            models.CheckConstraint(
                condition=Q(amount_jpy__gte=0), name="catalog_autotaxbracket_not_negative"
            ),
        ]

    def __str__(self) -> str:
        upto = self.displacement_upto_cc or "∞"
        return f"{self.displacement_over_cc}-{upto} cc: JPY {self.amount_jpy}"


class RecyclingDeposit(TimeStampedModel):
    """The recycling fee deposit (リサイクル料金) for one vehicle of a model, over a period."""

    vehicle_model = models.ForeignKey(
        VehicleModel,
        on_delete=models.PROTECT,
        related_name="recycling_deposits",
        verbose_name=_("vehicle model"),
    )
    amount_jpy = jpy_field(_("amount (JPY)"))
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    history = AuditedHistory()
    objects = CatalogQuerySet.as_manager()

    class Meta:
        verbose_name = _("recycling deposit")
        verbose_name_plural = _("recycling deposits")
        ordering = ("vehicle_model__code", "-effective_from")
        constraints = [
            effective_dates_valid("catalog_recyclingdeposit"),
            models.UniqueConstraint(
                fields=("vehicle_model", "effective_from"), name="catalog_recyclingdeposit_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount_jpy__gte=0), name="catalog_recyclingdeposit_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vehicle_model_id} JPY {self.amount_jpy} from {self.effective_from}"


class TonnageTaxBracket(TimeStampedModel):
    """Motor vehicle tonnage tax (自動車重量税) paid at an inspection, by vehicle weight.

    One row is the amount for one weight bracket (0.5 t steps) and one inspection period in years
    (3 for a new private passenger car's first registration), over a period of dates.
    """

    weight_over_kg = models.PositiveIntegerField(_("vehicle weight over (kg)"))
    weight_upto_kg = models.PositiveIntegerField(
        _("vehicle weight up to (kg)"), null=True, blank=True, help_text=_("Empty for the top bracket.")
    )
    years = models.PositiveSmallIntegerField(_("years"), help_text=_("The inspection period it pays for."))
    amount_jpy = jpy_field(_("tax (JPY)"))
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    history = AuditedHistory()
    objects = CatalogQuerySet.as_manager()

    class Meta:
        verbose_name = _("tonnage tax bracket")
        verbose_name_plural = _("tonnage tax brackets")
        ordering = ("-effective_from", "years", "weight_over_kg")
        indexes = [
            models.Index(fields=("years", "effective_from", "weight_over_kg"), name="catalog_tonnage_lookup")
        ]
        constraints = [
            effective_dates_valid("catalog_tonnagetaxbracket"),
            models.UniqueConstraint(
                fields=("years", "effective_from", "weight_over_kg"), name="catalog_tonnagetaxbracket_unique"
            ),
            models.CheckConstraint(
                condition=Q(weight_upto_kg__isnull=True) | Q(weight_upto_kg__gt=F("weight_over_kg")),
                name="catalog_tonnagetaxbracket_bounds",
            ),
            models.CheckConstraint(
                condition=Q(amount_jpy__gte=0) & Q(years__gt=0), name="catalog_tonnagetaxbracket_positive"
            ),
        ]

    def __str__(self) -> str:
        upto = self.weight_upto_kg or "∞"
        return f"{self.weight_over_kg}-{upto} kg, {self.years} y: JPY {self.amount_jpy}"


class CompulsoryInsurancePremium(TimeStampedModel):
    """Compulsory automobile liability insurance (自賠責保険) for a private passenger car, by period.

    A new car is insured for 37 months at its first registration (the 36-month first inspection
    period and a month's margin); the premium is one row per period in months, over dates.
    """

    months = models.PositiveSmallIntegerField(_("period (months)"))
    amount_jpy = jpy_field(_("premium (JPY)"))
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    history = AuditedHistory()
    objects = CatalogQuerySet.as_manager()

    class Meta:
        verbose_name = _("compulsory insurance premium")
        verbose_name_plural = _("compulsory insurance premiums")
        ordering = ("-effective_from", "months")
        indexes = [models.Index(fields=("months", "effective_from"), name="catalog_cali_lookup")]
        constraints = [
            effective_dates_valid("catalog_compulsoryinsurance"),
            models.UniqueConstraint(fields=("months", "effective_from"), name="catalog_compulsoryins_unique"),
            models.CheckConstraint(
                condition=Q(amount_jpy__gte=0) & Q(months__gt=0), name="catalog_compulsoryins_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.months} months: JPY {self.amount_jpy} from {self.effective_from}"
