"""Exchange rates by date."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models.scoping import CatalogQuerySet
from core.history import AuditedHistory
from core.models import TimeStampedModel


class FxRate(TimeStampedModel):
    """How many units of the quote currency one unit of the base currency buys on a date."""

    rate_date = models.DateField(_("rate date"))
    base_currency = models.CharField(_("base currency"), max_length=3, default="USD")
    quote_currency = models.CharField(_("quote currency"), max_length=3, default="JPY")
    rate = models.DecimalField(_("rate"), max_digits=12, decimal_places=4)
    source = models.CharField(_("source"), max_length=100, help_text=_("e.g. the bank's TTM rate"))
    history = AuditedHistory()
    objects = CatalogQuerySet.as_manager()

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ("-rate_date", "base_currency", "quote_currency")
        constraints = [
            models.UniqueConstraint(
                fields=("rate_date", "base_currency", "quote_currency"), name="catalog_fxrate_unique"
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="catalog_fxrate_positive"),
        ]
        indexes = [
            models.Index(
                fields=("base_currency", "quote_currency", "-rate_date"), name="catalog_fxrate_lookup"
            )
        ]

    def __str__(self) -> str:
        return f"{self.base_currency}/{self.quote_currency} {self.rate} @ {self.rate_date}"
