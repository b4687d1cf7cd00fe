"""Row locks for importorders, in the one order every service takes them.

Lock order: owner (Dealer, LogisticsPartner) → DealerMembership → API keys → Order → ChangeRequest.
A service that needs two of these takes them in this order; a service that needs one takes just
that one.
"""

from __future__ import annotations

from core.locks import lock_one
from importorders.models import ChangeRequest, Dealer, DealerAPIKey, LogisticsPartner, Order, PartnerAPIKey


def dealer_lock(pk: int) -> Dealer:
    """The dealer's row, locked for this transaction."""
    return lock_one(Dealer.objects.all(), pk)


def partner_lock(pk: int) -> LogisticsPartner:
    """The partner's row, locked for this transaction."""
    return lock_one(LogisticsPartner.objects.all(), pk)


def api_key_lock(key: DealerAPIKey | PartnerAPIKey) -> DealerAPIKey | PartnerAPIKey:
    """An API key's row (either kind), locked for this transaction."""
    return lock_one(type(key).objects.all(), key.pk)


def order_lock(pk: int) -> Order:
    """An order's row, locked for this transaction, with its build's trim, model year and model,
    its colour and its dealer loaded in the same query (only the order's row is locked: OF self)."""
    return lock_one(Order.objects.select_related("trim__model_year__vehicle_model", "color", "dealer"), pk)


def change_request_lock(pk: int) -> ChangeRequest:
    """A change request's row, locked for this transaction (after its order's: see the lock order)."""
    return lock_one(ChangeRequest.objects.select_related("color_before", "color_after"), pk)
