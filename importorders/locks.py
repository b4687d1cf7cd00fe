"""Row locks for importorders, in the one order every service takes them.

Lock order: owner (Dealer, LogisticsPartner) → DealerMembership → API keys → Shipment → Order
→ ChangeRequest → VehicleException → Supply → Allocation (all of a supply's in primary-key order).
A service that needs two of these takes them in this order; a service that needs one takes just
that one.
"""

from __future__ import annotations

from core.locks import lock_one, lock_rows
from importorders.models import (
    Allocation,
    ChangeRequest,
    Dealer,
    DealerAPIKey,
    LogisticsPartner,
    Order,
    PartnerAPIKey,
    Shipment,
    Supply,
    VehicleException,
)


def dealer_lock(pk: int) -> Dealer:
    """The dealer's row, locked for this transaction."""
    return lock_one(Dealer.objects.all(), pk)


def partner_lock(pk: int) -> LogisticsPartner:
    """The partner's row, locked for this transaction."""
    return lock_one(LogisticsPartner.objects.all(), pk)


def api_key_lock(key: DealerAPIKey | PartnerAPIKey) -> DealerAPIKey | PartnerAPIKey:
    """An API key's row (either kind), locked for this transaction."""
    return lock_one(type(key).objects.all(), key.pk)


def shipment_lock(pk: int) -> Shipment:
    """A shipment's row, locked for this transaction (its projection is rewritten under it)."""
    return lock_one(Shipment.objects.all(), pk)


_ORDER_JOINS = ("trim__model_year__vehicle_model", "color", "dealer")


def order_lock(pk: int) -> Order:
    """An order's row, locked for this transaction, with its build's trim, model year and model,
    its colour and its dealer loaded in the same query (only the order's row is locked: OF self).

    On PostgreSQL a locking SELECT that waited for another transaction re-checks its join against
    the row that transaction committed: when it changed a joined key (an approved change request's
    colour, an amendment's trim), the joined query returns nothing. Then the row is locked alone
    and its build read after (two queries, only in that contended case).
    """
    try:
        return lock_one(Order.objects.select_related(*_ORDER_JOINS), pk)
    except Order.DoesNotExist:
        lock_one(Order.objects.all(), pk)
        return Order.objects.select_related(*_ORDER_JOINS).get(pk=pk)


def change_request_lock(pk: int) -> ChangeRequest:
    """A change request's row, locked for this transaction (after its order's: see the lock order)."""
    return lock_one(ChangeRequest.objects.select_related("color_before", "color_after"), pk)


def exception_lock(pk: int) -> VehicleException:
    """An exception's row, locked for this transaction (after its order's: see the lock order)."""
    return lock_one(VehicleException.objects.select_related("vehicle"), pk)


def supply_lock(pk: int) -> Supply:
    """A model's month of supply, locked: proposal, override, publication and answers take it first."""
    return lock_one(Supply.objects.select_related("vehicle_model", "formula"), pk)


def allocations_lock(supply: Supply) -> list[Allocation]:
    """Every allocation of a supply, locked in primary-key order (after the supply's row)."""
    return lock_rows(Allocation.objects.filter(supply=supply))


def allocation_lock(pk: int) -> Allocation:
    """One dealer's allocation, locked (confirmation takes it after the order's row)."""
    return lock_one(Allocation.objects.all(), pk)
