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
from importorders.models.exceptions import (
    ExceptionKind,
    ExceptionResolution,
    ExceptionStatus,
    VehicleException,
)
from importorders.models.inbox import PartnerEvent, PartnerIdempotencyKey
from importorders.models.inbox_pull import PartnerCallLog, PartnerTrackingSource
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
from importorders.models.quotes import SavedQuote
from importorders.models.shipments import (
    Classifier,
    Milestone,
    Shipment,
    ShipmentMilestone,
    ShipmentThreshold,
    ShipmentVehicle,
    VocabularyMapping,
)
from importorders.models.vehicles import Vehicle
from importorders.models.watches import OrderWatch

__all__ = [
    "Allocation",
    "AllocationEntry",
    "AllocationFormula",
    "ChangeRequest",
    "ChangeRequestStatus",
    "Classifier",
    "CustodyPoint",
    "DamageCode",
    "DamageDimension",
    "DamageEntry",
    "Dealer",
    "DealerAPIKey",
    "DealerMembership",
    "EntryKind",
    "ExceptionKind",
    "ExceptionResolution",
    "ExceptionStatus",
    "HandoverInspection",
    "InspectionPhoto",
    "LogisticsPartner",
    "Milestone",
    "Order",
    "OrderEvent",
    "OrderKind",
    "OrderStatus",
    "OrderWatch",
    "PartnerAPIKey",
    "PartnerCallLog",
    "PartnerEvent",
    "PartnerIdempotencyKey",
    "PartnerTrackingSource",
    "Prefecture",
    "SavedQuote",
    "Shipment",
    "ShipmentMilestone",
    "ShipmentThreshold",
    "ShipmentVehicle",
    "Supply",
    "SupplyLine",
    "SupplyStatus",
    "Vehicle",
    "VehicleException",
    "VocabularyMapping",
]
