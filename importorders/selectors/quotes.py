"""Reads of saved quotes, always scoped to the caller."""

from __future__ import annotations

from django.db.models import QuerySet

from core.callers import Caller
from core.scoping import get_scoped_or_404, scoped, selector
from importorders.models import SavedQuote
from importorders.models.quotes import quote_number_normalize

_QUOTE_JOINS = ("dealer", "trim__model_year__vehicle_model__maker")


@selector
def saved_quote_list(*, caller: Caller) -> QuerySet[SavedQuote]:
    """Saved quotes the caller may see, newest first, with the trim and dealer a row shows."""
    return scoped(SavedQuote, caller).select_related(*_QUOTE_JOINS).order_by("-issued_at", "-id")


def saved_quote_get(*, caller: Caller, number: str) -> SavedQuote:
    """One saved quote by its number as typed (any case, hyphens optional); NotFound if not theirs."""
    return get_scoped_or_404(saved_quote_list(caller=caller), caller, number=quote_number_normalize(number))
