"""importorders models, one module per aggregate."""

from importorders.models.changes import ChangeRequest, ChangeRequestStatus
from importorders.models.dealers import Dealer, DealerMembership, Prefecture
from importorders.models.exceptions import (
    ExceptionKind,
    ExceptionResolution,
    ExceptionStatus,
    VehicleException,
)
from importorders.models.inspections import (
    CustodyPoint,
    DamageCode,
    DamageDimension,
    DamageEntry,
    HandoverInspection,
    InspectionPhoto,
)
from importorders.models.keys import DealerAPIKey, PartnerAPIKey
from importorders.models.orders import Order, OrderEvent, OrderKind, OrderStatus
from importorders.models.partners import LogisticsPartner
from importorders.models.vehicles import Vehicle
from importorders.models.watches import OrderWatch

__all__ = [
    "ChangeRequest",
    "ChangeRequestStatus",
    "CustodyPoint",
    "DamageCode",
    "DamageDimension",
    "DamageEntry",
    "Dealer",
    "DealerAPIKey",
    "DealerMembership",
    "ExceptionKind",
    "ExceptionResolution",
    "ExceptionStatus",
    "HandoverInspection",
    "InspectionPhoto",
    "LogisticsPartner",
    "Order",
    "OrderEvent",
    "OrderKind",
    "OrderStatus",
    "OrderWatch",
    "PartnerAPIKey",
    "Prefecture",
    "Vehicle",
    "VehicleException",
]
