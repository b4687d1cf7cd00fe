"""Saved quotes: a dealer's priced build, locked at the prices, rate and taxes of the day it was issued.

A saved quote keeps the landed-cost sheet and the customer estimate exactly as they were priced
(JSON records, amounts as strings), so it reopens at those prices until it expires, whatever the
price lists, FX rates and taxes say later. It is addressed by its public number (`Q-K7M3-9QPX`,
the orders' alphabet), never by its row id.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from core.actors import ActorColumns
from core.callers import Caller
from core.models import ClockDateTimeField
from core.scoping import ScopedQuerySet
from importorders.models.orders import REFERENCE_ALPHABET, REFERENCE_LENGTH

QUOTE_PREFIX = "Q-"


def quote_number_new() -> str:
    """A fresh random quote number, `Q-XXXX-XXXX` (uniqueness is the database's to enforce)."""
    raw = get_random_string(REFERENCE_LENGTH, REFERENCE_ALPHABET)
    return f"{QUOTE_PREFIX}{raw[:4]}-{raw[4:]}"


def quote_number_normalize(text: str) -> str:
    """What a person typed or read out, as stored: upper case, `Q-` and the hyphen in place."""
    compact = "".join(text.split()).replace("-", "").replace("ー", "").upper()
    if compact.startswith("Q"):
        compact = compact[1:]
    if len(compact) != REFERENCE_LENGTH:
        return text.strip().upper()
    return f"{QUOTE_PREFIX}{compact[:4]}-{compact[4:]}"


class SavedQuoteQuerySet(ScopedQuerySet):
    """Saved quotes a caller may see: the back office all, a dealer (staff or key) its own."""

    def restrict(self, caller: Caller) -> SavedQuoteQuerySet:
        if caller.is_back_office:
            return self
        if caller.is_dealer:
            return self.filter(dealer_id=caller.dealer_id)
        return self.none()


class SavedQuote(ActorColumns):
    """One build a dealer quoted, with both printouts' figures locked; the actor is the salesperson."""

    number = models.CharField(_("quote number"), max_length=11, unique=True, default=quote_number_new)
    dealer = models.ForeignKey(
        "importorders.Dealer", on_delete=models.PROTECT, related_name="quotes", verbose_name=_("dealer")
    )
    trim = models.ForeignKey(
        "catalog.Trim", on_delete=models.PROTECT, related_name="saved_quotes", verbose_name=_("trim")
    )
    color_code = models.CharField(_("colour"), max_length=40)
    option_codes = models.JSONField(_("options"), default=list, blank=True)
    customer_name = models.CharField(_("customer name"), max_length=100, blank=True)
    salesperson = models.CharField(
        _("salesperson"), max_length=300, help_text=_("The name printed on the estimate (the actor's).")
    )
    registration_month = models.DateField(
        _("registration month"), help_text=_("The first day of the month the car is to be registered.")
    )
    issued_at = ClockDateTimeField(_("issued at"), auto_now_add=True)
    issued_on = models.DateField(_("issued on"), help_text=_("The day in Japan it was priced."))
    valid_until = models.DateField(_("valid until"), help_text=_("The last day it may be reopened."))
    fx_rate = models.DecimalField(_("USD/JPY used"), max_digits=10, decimal_places=4)
    fx_rate_date = models.DateField(_("FX rate date"))
    landed_total_jpy = models.DecimalField(_("landed cost (JPY)"), max_digits=12, decimal_places=0)
    estimate_total_jpy = models.DecimalField(_("estimate total (JPY)"), max_digits=12, decimal_places=0)
    quote_record = models.JSONField(_("landed-cost sheet"))
    estimate_record = models.JSONField(_("customer estimate"))

    objects = SavedQuoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("saved quote")
        verbose_name_plural = _("saved quotes")
        ordering = ("-issued_at", "-id")
        indexes = [
            # The dealer's list (portal /quotes/ and GET quotes/): newest first, the cursor's order.
            models.Index(fields=("dealer", "-issued_at", "-id"), name="savedquote_dealer_newest"),
            models.Index(fields=("-issued_at", "-id"), name="savedquote_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("issued_on")),
                name="savedquote_valid_after_issue",
            ),
            models.CheckConstraint(
                condition=models.Q(registration_month__day=1), name="savedquote_registration_first_day"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def expired_on(self, today: dt.date) -> bool:
        """Past its last valid day (in Japan)."""
        return today > self.valid_until
