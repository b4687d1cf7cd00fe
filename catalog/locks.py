"""Row locks for the catalog, in the one order every service takes them.

Lock order: Maker (the anchor every price list of a maker hangs from) → PriceList → its rows.
"""

from __future__ import annotations

from catalog.models import Maker, PriceList
from core.locks import lock_one


def maker_lock(pk: int) -> Maker:
    """The maker's row, locked: publishers of one maker's lists queue up behind it."""
    return lock_one(Maker.objects.all(), pk)


def price_list_lock(pk: int) -> PriceList:
    """A price list's row, locked (after its maker's, when both are needed)."""
    return lock_one(PriceList.objects.all(), pk)
