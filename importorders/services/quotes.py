"""Saved quotes: price a build for a dealer (both printouts) and save it, locked at those prices.

`quote_price` prices a build on a date: the landed-cost sheet (catalog.services.quote) and the
customer estimate (catalog.services.estimate) for a registration month; it writes nothing and is
what the live printouts show. `quote_save` prices the build now and stores both as records, with
the FX rate, the salesperson (the actor) and the validity, under a fresh public number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from catalog.models import Trim
from catalog.selectors.configuration import trim_configuration_data
from catalog.services.estimate import Estimate, estimate_build
from catalog.services.quote import Quote, quote_build
from catalog.services.records import estimate_to_record, quote_to_record
from catalog.validity import quote_valid_until
from core import clock
from core.actors import Actor
from core.errors import ValidationFailed
from importorders.models import Dealer, SavedQuote

MAX_MONTHS_AHEAD = 24
CUSTOMER_NAME_MAX = 100
_NUMBER_ATTEMPTS = 5


@dataclass(frozen=True, kw_only=True)
class QuoteInput:
    """A build to quote and for whom: validated by the forms and serializers, checked again here."""

    trim: Trim
    color_code: str
    option_codes: tuple[str, ...] = ()
    customer_name: str = ""
    registration_month: dt.date | None = None  # the first day; None: next month
    data: object = field(default=None, compare=False)  # the trim's engine data, when already loaded


@dataclass(frozen=True)
class PricedQuote:
    """Both printouts of one build on one day."""

    quote: Quote
    estimate: Estimate
    registration_month: dt.date
    issued_on: dt.date
    valid_until: dt.date


def month_start(day: dt.date, offset: int = 0) -> dt.date:
    """The first day of the month `offset` months after `day`'s."""
    year, index = divmod(day.month - 1 + offset, 12)
    return dt.date(day.year + year, index + 1, 1)


def registration_month_check(month: dt.date | None, today: dt.date) -> dt.date:
    """The registration month as the first day; from this month to MAX_MONTHS_AHEAD ahead (400 else)."""
    if month is None:
        return month_start(today, 1)
    month = month.replace(day=1)
    if not month_start(today) <= month <= month_start(today, MAX_MONTHS_AHEAD):
        raise ValidationFailed(
            fields={
                "registration_month": [
                    _("Choose a month from %(first)s to %(last)s.")
                    % {
                        "first": month_start(today).strftime("%Y-%m"),
                        "last": month_start(today, MAX_MONTHS_AHEAD).strftime("%Y-%m"),
                    }
                ]
            }
        )
    return month


def salesperson_name(actor: Actor) -> str:
    """The name a customer reads: a person's full name (else username), a key's name."""
    if actor.user is not None:
        return (actor.user.get_full_name() or actor.label)[:300]
    return actor.label[:300]


def quote_price(*, build: QuoteInput, on_date: dt.date) -> PricedQuote:
    """Price the build on `on_date`: the landed-cost quote and the customer estimate. Writes nothing.

    Raises what the catalog raises: ConfigurationInvalid (400, every broken rule), PriceMissing,
    FxRateMissing, PriceListMissing, TaxRuleMissing (422).
    """
    month = registration_month_check(build.registration_month, on_date)
    data = build.data or trim_configuration_data(trim_id=build.trim.pk)
    quote = quote_build(
        trim=build.trim,
        color_code=build.color_code,
        option_codes=build.option_codes,
        on_date=on_date,
        data=data,
    )
    estimate = estimate_build(quote=quote, trim=build.trim, data=data, registration_month=month)
    return PricedQuote(quote, estimate, month, on_date, quote_valid_until(on_date))


def quote_save(*, dealer: Dealer, actor: Actor, build: QuoteInput) -> SavedQuote:
    """Price the build now for `dealer` (the caller's, never the request's) and save it, locked.

    The issue time, the pricing day and the validity come from one reading of the clock. The
    customer's name is stored only here, when the dealer saves the quote.
    """
    now = clock.now()
    today = clock.to_jst(now).date()
    name = build.customer_name.strip()
    if len(name) > CUSTOMER_NAME_MAX:
        raise ValidationFailed(
            fields={"customer_name": [_("At most %(count)s characters.") % {"count": CUSTOMER_NAME_MAX}]}
        )
    priced = quote_price(build=build, on_date=today)
    quote = priced.quote
    for _attempt in range(_NUMBER_ATTEMPTS):
        row = SavedQuote(
            dealer=dealer,
            trim=build.trim,
            color_code=quote.color_code,
            option_codes=list(quote.option_codes),
            customer_name=name,
            salesperson=salesperson_name(actor),
            registration_month=priced.registration_month,
            issued_at=now,
            issued_on=today,
            valid_until=priced.valid_until,
            fx_rate=quote.fx_rate.rate,
            fx_rate_date=quote.fx_rate.rate_date,
            landed_total_jpy=quote.total_jpy,
            estimate_total_jpy=priced.estimate.total_jpy,
            quote_record=quote_to_record(quote),
            estimate_record=estimate_to_record(priced.estimate),
        )
        row.actor_fill(actor)
        try:
            with transaction.atomic():
                row.save(force_insert=True)
                return row
        except IntegrityError:
            if not SavedQuote.objects.filter(number=row.number).exists():
                raise
    raise RuntimeError("No free quote number after several attempts")


def total_of(record: dict) -> Decimal:
    return Decimal(record["total_jpy"])
