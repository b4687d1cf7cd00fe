"""importorders models, one module per aggregate."""

from importorders.models.dealers import Dealer, DealerMembership, Prefecture
from importorders.models.keys import DealerAPIKey, PartnerAPIKey
from importorders.models.orders import Order, OrderEvent, OrderKind, OrderStatus
from importorders.models.partners import LogisticsPartner
from importorders.models.vehicles import Vehicle

__all__ = [
    "Dealer",
    "DealerAPIKey",
    "DealerMembership",
    "LogisticsPartner",
    "Order",
    "OrderEvent",
    "OrderKind",
    "OrderStatus",
    "PartnerAPIKey",
    "Prefecture",
    "Vehicle",
]
