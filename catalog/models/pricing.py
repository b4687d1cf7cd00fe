"""Price lists with effective dates and their rows: FOB prices, logistics costs, fees, retail prices.

A price list is in effect on the days [effective_from, effective_to): effective_to is the first day
it no longer applies, or empty while it has no end.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models.base import BilingualNamed, code_field, effective_dates_valid, jpy_field, usd_field
from catalog.models.colors import Color
from catalog.models.makers import Maker
from catalog.models.options import Option
from catalog.models.scoping import CatalogQuerySet, PriceListQuerySet, PriceRowQuerySet
from catalog.models.vehicles import Trim, VehicleModel
from core.history import AuditedHistory
from core.models import TimeStampedModel


class PriceListStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


class PriceList(TimeStampedModel):
    """Prices for a maker's models (or one model) over a period; published lists never overlap."""

    code = code_field(unique=True)
    maker = models.ForeignKey(
        Maker, on_delete=models.PROTECT, related_name="price_lists", verbose_name=_("maker")
    )
    vehicle_model = models.ForeignKey(
        VehicleModel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="price_lists",
        verbose_name=_("vehicle model"),
        help_text=_("Empty for a list covering all the maker's models."),
    )
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(
        _("effective to"), null=True, blank=True, help_text=_("The first day it no longer applies.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PriceListStatus.choices, default=PriceListStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    history = AuditedHistory()
    objects = PriceListQuerySet.as_manager()

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ("maker__code", "-effective_from")
        indexes = [
            models.Index(fields=("maker", "status", "effective_from"), name="catalog_pricelist_lookup"),
        ]
        constraints = [effective_dates_valid("catalog_pricelist")]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        if self.vehicle_model_id and self.maker_id and self.vehicle_model.maker_id != self.maker_id:
            raise ValidationError({"vehicle_model": _("The model belongs to another maker.")})
        if self.effective_to and self.effective_to <= self.effective_from:
            raise ValidationError({"effective_to": _("The end must come after the start.")})

    @property
    def is_published(self) -> bool:
        return self.status == PriceListStatus.PUBLISHED


class FeeType(BilingualNamed, TimeStampedModel):
    """A kind of fee charged in Japan per vehicle (port handling, Japan-specific measures, PDI...)."""

    code = code_field(unique=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    history = AuditedHistory()
    objects = CatalogQuerySet.as_manager()

    class Meta:
        verbose_name = _("fee type")
        verbose_name_plural = _("fee types")
        ordering = ("sort_order", "code")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class TrimPrice(TimeStampedModel):
    """A trim's FOB price in USD on a price list, and its suggested retail price in Japan."""

    price_list = models.ForeignKey(
        PriceList, on_delete=models.CASCADE, related_name="trim_prices", verbose_name=_("price list")
    )
    trim = models.ForeignKey(Trim, on_delete=models.PROTECT, related_name="prices", verbose_name=_("trim"))
    fob_usd = usd_field(_("FOB (USD)"))
    suggested_retail_jpy = jpy_field(_("suggested retail (JPY)"), null=True, blank=True)
    history = AuditedHistory()
    objects = PriceRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("trim price")
        verbose_name_plural = _("trim prices")
        ordering = ("price_list", "trim__code")
        constraints = [
            models.UniqueConstraint(fields=("price_list", "trim"), name="catalog_trimprice_unique"),
            models.CheckConstraint(
                condition=Q(fob_usd__gte=0)
                & (Q(suggested_retail_jpy__isnull=True) | Q(suggested_retail_jpy__gte=0)),
                name="catalog_trimprice_not_negative",
            ),
        ]

    def __str__(self) -> str:
        # Reads the trim: the price list's inline selects it with the rows.
        return f"{self.trim.code} {self.trim.name}: USD {self.fob_usd:,.2f}"


class OptionPrice(TimeStampedModel):
    """An option's FOB price in USD on a price list, and its suggested retail price in Japan."""

    price_list = models.ForeignKey(
        PriceList, on_delete=models.CASCADE, related_name="option_prices", verbose_name=_("price list")
    )
    option = models.ForeignKey(
        Option, on_delete=models.PROTECT, related_name="prices", verbose_name=_("option")
    )
    fob_usd = usd_field(_("FOB (USD)"))
    suggested_retail_jpy = jpy_field(_("suggested retail (JPY)"), null=True, blank=True)
    history = AuditedHistory()
    objects = PriceRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("option price")
        verbose_name_plural = _("option prices")
        ordering = ("price_list", "option__code")
        constraints = [
            models.UniqueConstraint(fields=("price_list", "option"), name="catalog_optionprice_unique"),
            models.CheckConstraint(condition=Q(fob_usd__gte=0), name="catalog_optionprice_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.option.code} {self.option.name}: USD {self.fob_usd:,.2f}"


class ColorPrice(TimeStampedModel):
    """A colour's FOB price in USD on a price list (zero for a colour at no extra cost)."""

    price_list = models.ForeignKey(
        PriceList, on_delete=models.CASCADE, related_name="color_prices", verbose_name=_("price list")
    )
    color = models.ForeignKey(
        Color, on_delete=models.PROTECT, related_name="prices", verbose_name=_("colour")
    )
    fob_usd = usd_field(_("FOB (USD)"))
    suggested_retail_jpy = jpy_field(_("suggested retail (JPY)"), null=True, blank=True)
    history = AuditedHistory()
    objects = PriceRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("colour price")
        verbose_name_plural = _("colour prices")
        ordering = ("price_list", "color__code")
        constraints = [
            models.UniqueConstraint(fields=("price_list", "color"), name="catalog_colorprice_unique"),
            models.CheckConstraint(condition=Q(fob_usd__gte=0), name="catalog_colorprice_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.color.code} {self.color.name}: USD {self.fob_usd:,.2f}"


class ModelLogistics(TimeStampedModel):
    """Ocean freight and marine insurance for one vehicle of a model, on a price list."""

    price_list = models.ForeignKey(
        PriceList, on_delete=models.CASCADE, related_name="logistics", verbose_name=_("price list")
    )
    vehicle_model = models.ForeignKey(
        VehicleModel,
        on_delete=models.PROTECT,
        related_name="logistics_costs",
        verbose_name=_("vehicle model"),
    )
    ocean_freight_usd = usd_field(_("ocean freight (USD)"))
    insurance_rate = models.DecimalField(
        _("insurance rate"),
        max_digits=6,
        decimal_places=5,
        null=True,
        blank=True,
        help_text=_("A fraction of the FOB price, e.g. 0.0050 for 0.5%. Either a rate or an amount."),
    )
    insurance_usd = usd_field(_("insurance (USD)"), null=True, blank=True)
    history = AuditedHistory()
    objects = PriceRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("model logistics cost")
        verbose_name_plural = _("model logistics costs")
        ordering = ("price_list", "vehicle_model__code")
        constraints = [
            models.UniqueConstraint(
                fields=("price_list", "vehicle_model"), name="catalog_modellogistics_unique"
            ),
            models.CheckConstraint(
                condition=Q(ocean_freight_usd__gte=0)
                & (
                    (
                        Q(insurance_rate__isnull=False)
                        & Q(insurance_usd__isnull=True)
                        & Q(insurance_rate__gte=0)
                    )
                    | (
                        Q(insurance_rate__isnull=True)
                        & Q(insurance_usd__isnull=False)
                        & Q(insurance_usd__gte=0)
                    )
                ),
                name="catalog_modellogistics_one_insurance_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vehicle_model.code} {self.vehicle_model.name}: USD {self.ocean_freight_usd:,.2f}"

    def clean(self) -> None:
        if (self.insurance_rate is None) == (self.insurance_usd is None):
            raise ValidationError(_("Give either an insurance rate or an insurance amount, not both."))


class ModelFee(TimeStampedModel):
    """A fee in yen charged per vehicle of a model in Japan, on a price list."""

    price_list = models.ForeignKey(
        PriceList, on_delete=models.CASCADE, related_name="fees", verbose_name=_("price list")
    )
    vehicle_model = models.ForeignKey(
        VehicleModel, on_delete=models.PROTECT, related_name="fees", verbose_name=_("vehicle model")
    )
    fee_type = models.ForeignKey(
        FeeType, on_delete=models.PROTECT, related_name="fees", verbose_name=_("fee")
    )
    amount_jpy = jpy_field(_("amount (JPY)"))
    history = AuditedHistory()
    objects = PriceRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("model fee")
        verbose_name_plural = _("model fees")
        ordering = ("price_list", "vehicle_model__code", "fee_type__sort_order")
        constraints = [
            models.UniqueConstraint(
                fields=("price_list", "vehicle_model", "fee_type"), name="catalog_modelfee_unique"
            ),
            models.CheckConstraint(condition=Q(amount_jpy__gte=0), name="catalog_modelfee_not_negative"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.vehicle_model.code} {self.fee_type.code} {self.fee_type.name}: ¥{int(self.amount_jpy):,}"
        )
