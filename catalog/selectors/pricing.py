"""Reads of prices, exchange rates and tax data in effect on a date (periods are [from, to))."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, QuerySet

from catalog.models import (
    AutomobileTaxBracket,
    ColorPrice,
    FxRate,
    ModelFee,
    ModelLogistics,
    OptionPrice,
    PriceList,
    PriceListStatus,
    RecyclingDeposit,
    TaxRule,
    Trim,
    TrimPrice,
)


def in_effect_on(on_date: dt.date) -> Q:
    """Rows whose period [effective_from, effective_to) contains the date."""
    return Q(effective_from__lte=on_date) & (Q(effective_to__isnull=True) | Q(effective_to__gt=on_date))


def price_lists_in_effect(*, maker_ids: Iterable[int], on_date: dt.date) -> list[PriceList]:
    """Every published list of these makers in effect on the date, maker-wide and per model: one query."""
    return list(
        PriceList.objects.filter(maker_id__in=set(maker_ids), status=PriceListStatus.PUBLISHED)
        .filter(in_effect_on(on_date))
        .order_by("-effective_from", "pk")
    )


def price_list_for_model(
    lists: Sequence[PriceList], *, maker_id: int, vehicle_model_id: int
) -> PriceList | None:
    """THE rule for which list prices a model: its own published list wins over the maker's.

    Every price shown (API, portal) and every quote goes through this choice, and then reads prices
    from that one list only: a price missing there is missing, never borrowed from another list.
    """
    own = [pl for pl in lists if pl.vehicle_model_id == vehicle_model_id]
    if own:
        return own[0]
    return next((pl for pl in lists if pl.maker_id == maker_id and pl.vehicle_model_id is None), None)


def price_list_in_effect(*, maker_id: int, vehicle_model_id: int, on_date: dt.date) -> PriceList | None:
    """The published list for the model on the date (one query)."""
    return price_list_for_model(
        price_lists_in_effect(maker_ids=[maker_id], on_date=on_date),
        maker_id=maker_id,
        vehicle_model_id=vehicle_model_id,
    )


@dataclass(frozen=True)
class TrimPricing:
    """A trim's FOB and suggested retail price on the price list in effect (None: not priced)."""

    price_list: PriceList | None
    fob_usd: Decimal | None
    suggested_retail_jpy: Decimal | None


NOT_PRICED = TrimPricing(price_list=None, fob_usd=None, suggested_retail_jpy=None)


def trim_pricing(
    *, trims: Sequence[Trim], on_date: dt.date, lists: Sequence[PriceList] | None = None
) -> dict[int, TrimPricing]:
    """Each trim's prices on the list in effect for its model on the date: two queries in all.

    The trims must have `model_year__vehicle_model` loaded; `lists` (the lists in effect for their
    makers) saves the first query when the caller already has them.
    """
    if not trims:
        return {}
    if lists is None:
        lists = price_lists_in_effect(
            maker_ids={trim.model_year.vehicle_model.maker_id for trim in trims}, on_date=on_date
        )
    chosen = {
        trim.pk: price_list_for_model(
            lists,
            maker_id=trim.model_year.vehicle_model.maker_id,
            vehicle_model_id=trim.model_year.vehicle_model_id,
        )
        for trim in trims
    }
    prices = {
        (row.price_list_id, row.trim_id): row
        for row in TrimPrice.objects.filter(
            price_list__in=[pl for pl in chosen.values() if pl is not None],
            trim_id__in=[trim.pk for trim in trims],
        ).order_by()  # the model's default ordering would join three tables for nothing
    }
    result: dict[int, TrimPricing] = {}
    for trim in trims:
        price_list = chosen[trim.pk]
        row = prices.get((price_list.pk, trim.pk)) if price_list else None
        result[trim.pk] = (
            TrimPricing(price_list, row.fob_usd, row.suggested_retail_jpy) if row else NOT_PRICED
        )
    return result


def price_lists_overlapping(
    *,
    maker_id: int,
    vehicle_model_id: int | None,
    effective_from: dt.date,
    effective_to: dt.date | None,
    exclude_id: int | None = None,
) -> QuerySet[PriceList]:
    """Published lists of exactly this scope whose period shares a day with [from, to)."""
    overlapping = PriceList.objects.filter(
        maker_id=maker_id, vehicle_model_id=vehicle_model_id, status=PriceListStatus.PUBLISHED
    ).filter(Q(effective_to__isnull=True) | Q(effective_to__gt=effective_from))
    if effective_to is not None:
        overlapping = overlapping.filter(effective_from__lt=effective_to)
    if exclude_id is not None:
        overlapping = overlapping.exclude(pk=exclude_id)
    return overlapping.order_by("effective_from")


def fx_rate_on(
    *, on_date: dt.date, max_age_days: int, base_currency: str = "USD", quote_currency: str = "JPY"
) -> FxRate | None:
    """The latest rate dated on or before the date and at most `max_age_days` older than it."""
    return (
        FxRate.objects.filter(
            base_currency=base_currency,
            quote_currency=quote_currency,
            rate_date__lte=on_date,
            rate_date__gte=on_date - dt.timedelta(days=max_age_days),
        )
        .order_by("-rate_date")
        .first()
    )


def tax_rules_in_effect(*, vehicle_model_id: int, on_date: dt.date) -> dict[str, TaxRule]:
    """One rule per kind on the date: the model's own rule wins, then the latest start."""
    rules = (
        TaxRule.objects.filter(in_effect_on(on_date))
        .filter(Q(vehicle_model_id=vehicle_model_id) | Q(vehicle_model__isnull=True))
        .order_by("kind", F("vehicle_model_id").asc(nulls_last=True), "-effective_from")
    )
    chosen: dict[str, TaxRule] = {}
    for rule in rules:
        chosen.setdefault(rule.kind, rule)
    return chosen


def recycling_deposit_on(*, vehicle_model_id: int, on_date: dt.date) -> RecyclingDeposit | None:
    """The model's recycling deposit on the date."""
    return (
        RecyclingDeposit.objects.filter(vehicle_model_id=vehicle_model_id)
        .filter(in_effect_on(on_date))
        .order_by("-effective_from")
        .first()
    )


def automobile_tax_bracket_for(
    *, displacement_cc: int | None, on_date: dt.date
) -> AutomobileTaxBracket | None:
    """The annual-tax bracket for a displacement (an electric car, with none, is in the lowest)."""
    displacement = displacement_cc or 0
    return (
        AutomobileTaxBracket.objects.filter(
            in_effect_on(on_date), displacement_over_cc__lt=max(displacement, 1)
        )
        .filter(Q(displacement_upto_cc__isnull=True) | Q(displacement_upto_cc__gte=displacement))
        .order_by("-displacement_over_cc")
        .first()
    )


def trim_price(*, price_list_id: int, trim_id: int) -> TrimPrice | None:
    return TrimPrice.objects.filter(price_list_id=price_list_id, trim_id=trim_id).first()


def option_prices(
    *, price_list_id: int, option_codes: Iterable[str], maker_id: int
) -> dict[str, OptionPrice]:
    rows = OptionPrice.objects.filter(
        price_list_id=price_list_id, option__maker_id=maker_id, option__code__in=list(option_codes)
    ).select_related("option")
    return {row.option.code: row for row in rows}


def color_price(*, price_list_id: int, color_id: int) -> ColorPrice | None:
    return ColorPrice.objects.filter(price_list_id=price_list_id, color_id=color_id).first()


def model_logistics(*, price_list_id: int, vehicle_model_id: int) -> ModelLogistics | None:
    return ModelLogistics.objects.filter(
        price_list_id=price_list_id, vehicle_model_id=vehicle_model_id
    ).first()


def model_fees(*, price_list_id: int, vehicle_model_id: int) -> list[ModelFee]:
    return list(
        ModelFee.objects.filter(price_list_id=price_list_id, vehicle_model_id=vehicle_model_id)
        .select_related("fee_type")
        .order_by("fee_type__sort_order", "fee_type__code")
    )
