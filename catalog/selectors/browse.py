"""Catalog reads for the API and pages, scoped to the caller, with what their rows show loaded."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from catalog.models import ModelYear, Trim, VehicleModel
from core.callers import Caller
from core.scoping import scoped


def vehicle_model_list(*, caller: Caller) -> QuerySet[VehicleModel]:
    """Models the caller may see, with maker, route and model years (with plants) loaded."""
    return (
        scoped(VehicleModel, caller)
        .select_related("maker", "certification_route")
        .prefetch_related(
            Prefetch("model_years", queryset=ModelYear.objects.select_related("plant").order_by("year"))
        )
    )


def trim_list(*, caller: Caller) -> QuerySet[Trim]:
    """Trims the caller may see, with model year, plant, model and maker loaded."""
    return scoped(Trim, caller).select_related("model_year__vehicle_model__maker", "model_year__plant")
