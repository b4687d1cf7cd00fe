"""Row locks for the catalog, in the one order every service takes them.

Lock order: Maker (the anchor every price list of a maker hangs from) → PriceList → its rows.
Exchange rates stand apart: FxRateConflict → FxRate (of the conflict's date).
"""

from __future__ import annotations

import datetime as dt

from catalog.models import FxRate, FxRateConflict, Maker, PriceList
from core.locks import lock_one, lock_rows


def maker_lock(pk: int) -> Maker:
    """The maker's row, locked: publishers of one maker's lists queue up behind it."""
    return lock_one(Maker.objects.all(), pk)


def price_list_lock(pk: int) -> PriceList:
    """A price list's row, locked (after its maker's, when both are needed)."""
    return lock_one(PriceList.objects.all(), pk)


def fx_rate_lock(rate_date: dt.date, base_currency: str, quote_currency: str) -> FxRate | None:
    """The rate of a date, locked; None when the date has none yet (the unique constraint guards it)."""
    rows = lock_rows(
        FxRate.objects.filter(rate_date=rate_date, base_currency=base_currency, quote_currency=quote_currency)
    )
    return rows[0] if rows else None


def fx_conflict_lock(pk: int) -> FxRateConflict:
    """A held-back rate's row, locked: two people resolving it queue up."""
    return lock_one(FxRateConflict.objects.all(), pk)
