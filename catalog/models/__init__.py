"""The catalog's models, one module per aggregate, re-exported here."""

from catalog.models.certification import CertificationRoute
from catalog.models.colors import Color, PaintType, TrimColor
from catalog.models.fx import FxRate, FxRateConflict, FxRateConflictKind, FxRateConflictStatus
from catalog.models.makers import Maker, Plant, PlantWmi
from catalog.models.options import Installation, Option, OptionKind, OptionRule, RuleKind, TrimOption
from catalog.models.pricing import (
    ColorPrice,
    FeeType,
    ModelFee,
    ModelLogistics,
    OptionPrice,
    PriceList,
    PriceListStatus,
    TrimPrice,
)
from catalog.models.taxes import (
    AutomobileTaxBracket,
    CompulsoryInsurancePremium,
    RecyclingDeposit,
    TaxKind,
    TaxRule,
    TonnageTaxBracket,
)
from catalog.models.vehicles import (
    BodyType,
    Drive,
    ModelYear,
    PlateClass,
    Powertrain,
    RecognitionStatus,
    Trim,
    VehicleModel,
)

__all__ = [
    "AutomobileTaxBracket",
    "BodyType",
    "CertificationRoute",
    "Color",
    "ColorPrice",
    "CompulsoryInsurancePremium",
    "Drive",
    "FeeType",
    "FxRate",
    "FxRateConflict",
    "FxRateConflictKind",
    "FxRateConflictStatus",
    "Installation",
    "Maker",
    "ModelFee",
    "ModelLogistics",
    "ModelYear",
    "Option",
    "OptionKind",
    "OptionPrice",
    "OptionRule",
    "PaintType",
    "Plant",
    "PlantWmi",
    "PlateClass",
    "Powertrain",
    "PriceList",
    "PriceListStatus",
    "RecognitionStatus",
    "RecyclingDeposit",
    "RuleKind",
    "TaxKind",
    "TaxRule",
    "TonnageTaxBracket",
    "Trim",
    "TrimColor",
    "TrimOption",
    "TrimPrice",
    "VehicleModel",
]
