"""Catalog reads for the API and pages, scoped to the caller, in a constant number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet

from catalog.models import ColorPrice, ModelYear, OptionPrice, PriceListStatus, Trim, TrimPrice, VehicleModel
from core.callers import Caller
from core.scoping import scoped


def _list_in_effect(on_date: dt.date, prefix: str = "price_list__") -> Q:
    return (
        Q(**{f"{prefix}status": PriceListStatus.PUBLISHED})
        & Q(**{f"{prefix}effective_from__lte": on_date})
        & (Q(**{f"{prefix}effective_to__isnull": True}) | Q(**{f"{prefix}effective_to__gt": on_date}))
    )


def _best(rows: Iterable, key) -> dict:
    """Per key, the row from the model's own list if any, else the maker's; latest start first."""
    best: dict = {}
    for row in rows:
        current = best.get(key(row))
        rank = (row.price_list.vehicle_model_id is not None, row.price_list.effective_from)
        if current is None or rank > (
            current.price_list.vehicle_model_id is not None,
            current.price_list.effective_from,
        ):
            best[key(row)] = row
    return best


def vehicle_model_list(*, caller: Caller) -> QuerySet[VehicleModel]:
    """Models the caller may see, with maker, route and model years (with plants) loaded."""
    return (
        scoped(VehicleModel, caller)
        .select_related("maker", "certification_route")
        .prefetch_related(
            Prefetch("model_years", queryset=ModelYear.objects.select_related("plant").order_by("year"))
        )
        .order_by("code")
    )


def trim_list(*, caller: Caller) -> QuerySet[Trim]:
    """Trims the caller may see, with model year, model and maker loaded."""
    return (
        scoped(Trim, caller)
        .select_related("model_year__vehicle_model__maker", "model_year__plant")
        .order_by("code")
    )


def trim_prices_in_effect(*, trim_ids: Iterable[int], on_date: dt.date) -> dict[int, TrimPrice]:
    """Each trim's price on the published list in effect on the date (one query)."""
    rows = (
        TrimPrice.objects.filter(trim_id__in=list(trim_ids))
        .filter(_list_in_effect(on_date))
        .select_related("price_list")
    )
    return _best(rows, key=lambda row: row.trim_id)


def option_prices_in_effect(
    *, option_ids: Iterable[int], vehicle_model_id: int, on_date: dt.date
) -> dict[int, OptionPrice]:
    """Option prices for a model on the date (one query)."""
    rows = (
        OptionPrice.objects.filter(option_id__in=list(option_ids))
        .filter(_list_in_effect(on_date))
        .filter(Q(price_list__vehicle_model_id=vehicle_model_id) | Q(price_list__vehicle_model__isnull=True))
        .select_related("price_list")
    )
    return _best(rows, key=lambda row: row.option_id)


def color_prices_in_effect(
    *, color_ids: Iterable[int], vehicle_model_id: int, on_date: dt.date
) -> dict[int, ColorPrice]:
    """Colour prices for a model on the date (one query)."""
    rows = (
        ColorPrice.objects.filter(color_id__in=list(color_ids))
        .filter(_list_in_effect(on_date))
        .filter(Q(price_list__vehicle_model_id=vehicle_model_id) | Q(price_list__vehicle_model__isnull=True))
        .select_related("price_list")
    )
    return _best(rows, key=lambda row: row.color_id)
