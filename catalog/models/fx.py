"""Exchange rates by date, where each came from, and the rates the import held back for review."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models.scoping import CatalogQuerySet
from core.actors import ActorColumns
from core.callers import Caller
from core.history import AuditedHistory
from core.models import TimeStampedModel
from core.scoping import ScopedQuerySet


class FxRate(ActorColumns, TimeStampedModel):
    """How many units of the quote currency one unit of the base currency buys on a date.

    `source` names where the rate came from (the bank and rate, e.g. "MUFG TTM"), `source_url` the
    address it was fetched from (empty for a file imported in the admin or a hand edit),
    `fetched_at` when it was fetched or imported, and the actor columns who wrote it: the system
    for the daily task, the person for an admin import or edit.
    """

    rate_date = models.DateField(_("rate date"))
    base_currency = models.CharField(_("base currency"), max_length=3, default="USD")
    quote_currency = models.CharField(_("quote currency"), max_length=3, default="JPY")
    rate = models.DecimalField(_("rate"), max_digits=12, decimal_places=4)
    source = models.CharField(_("source"), max_length=100, help_text=_("e.g. the bank's TTM rate"))
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    fetched_at = models.DateTimeField(_("fetched at"), null=True, blank=True)
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


class FxRateConflictKind(models.TextChoices):
    """Why a fetched rate was held back instead of written."""

    CHANGED = "changed", _("a different rate for a date already recorded")
    JUMP = "jump", _("too far from the previous rate")


class FxRateConflictStatus(models.TextChoices):
    OPEN = "open", _("open")
    ACCEPTED = "accepted", _("accepted")
    DISMISSED = "dismissed", _("dismissed")


class FxRateConflictQuerySet(ScopedQuerySet):
    """Held-back rates are back-office work: staff see them, nobody else."""

    def restrict(self, caller: Caller) -> FxRateConflictQuerySet:
        return self.for_back_office_only(caller)


class FxRateConflict(ActorColumns, TimeStampedModel):
    """A fetched rate the import did not write, for operations to accept or dismiss.

    The actor columns name who fetched it; `resolved_by_*` who accepted or dismissed it.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=FxRateConflictKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=FxRateConflictStatus.choices, default=FxRateConflictStatus.OPEN
    )
    rate_date = models.DateField(_("rate date"))
    base_currency = models.CharField(_("base currency"), max_length=3, default="USD")
    quote_currency = models.CharField(_("quote currency"), max_length=3, default="JPY")
    offered_rate = models.DecimalField(_("offered rate"), max_digits=12, decimal_places=4)
    current_rate = models.DecimalField(
        _("rate it would replace or follow"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    current_rate_date = models.DateField(_("date of that rate"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=100)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    fetched_at = models.DateTimeField(_("fetched at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by_ref = models.CharField(_("resolved by"), max_length=150, blank=True)
    resolved_by_label = models.CharField(_("resolved by (name)"), max_length=300, blank=True)
    objects = FxRateConflictQuerySet.as_manager()

    class Meta:
        verbose_name = _("held-back exchange rate")
        verbose_name_plural = _("held-back exchange rates")
        ordering = ("-rate_date", "-created_at")
        constraints = [
            # The same offer fetched again is the same conflict, not a second one.
            models.UniqueConstraint(
                fields=("rate_date", "base_currency", "quote_currency", "offered_rate"),
                condition=Q(status="open"),
                name="catalog_fxrateconflict_one_open_per_offer",
            ),
        ]
        indexes = [models.Index(fields=("status", "-rate_date"), name="catalog_fxconflict_status")]

    def __str__(self) -> str:
        return (
            f"{self.base_currency}/{self.quote_currency} {self.offered_rate} @ {self.rate_date} ({self.kind})"
        )
