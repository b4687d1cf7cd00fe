"""importorders models, one module per aggregate."""

from importorders.models.allocation import (
    Allocation,
    AllocationEntry,
    AllocationFormula,
    EntryKind,
    Supply,
    SupplyLine,
    SupplyStatus,
)
from importorders.models.changes import ChangeRequest, ChangeRequestStatus
from importorders.models.dealers import Dealer, DealerMembership, Prefecture
from importorders.models.keys import DealerAPIKey, PartnerAPIKey
from importorders.models.orders import Order, OrderEvent, OrderKind, OrderStatus
from importorders.models.partners import LogisticsPartner
from importorders.models.vehicles import Vehicle
from importorders.models.watches import OrderWatch

__all__ = [
    "Allocation",
    "AllocationEntry",
    "AllocationFormula",
    "ChangeRequest",
    "ChangeRequestStatus",
    "Dealer",
    "DealerAPIKey",
    "DealerMembership",
    "EntryKind",
    "LogisticsPartner",
    "Order",
    "OrderEvent",
    "OrderKind",
    "OrderStatus",
    "OrderWatch",
    "PartnerAPIKey",
    "Prefecture",
    "Supply",
    "SupplyLine",
    "SupplyStatus",
    "Vehicle",
]
