"""Reads for the dealer portal's catalog pages, always scoped to the caller.

Every page loads in a constant number of queries whatever the number of makers, models or trims:
retail prices of many trims come from one query over the price lists in effect (never a quote per
row). The price list a trim is priced from follows the quote's rule: the model's own published list
wins over the maker-wide one (`catalog.selectors.pricing.price_list_for_model`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from catalog.models import (
    ColorPrice,
    Installation,
    Maker,
    ModelYear,
    OptionKind,
    OptionPrice,
    PriceList,
    RuleKind,
    Trim,
    VehicleModel,
)
from catalog.selectors.browse import trim_list
from catalog.selectors.configuration import (
    ColorFacts,
    ConfigurationData,
    OptionFacts,
    trim_configuration_data,
)
from catalog.selectors.pricing import (
    TrimPricing,
    price_list_for_model,
    price_lists_in_effect,
    trim_pricing,
)
from core.callers import Caller
from core.scoping import get_scoped_or_404, scoped

MAX_COMPARED_TRIMS = 4
MIN_COMPARED_TRIMS = 2


@dataclass(frozen=True)
class ModelSummary:
    """One line of the catalog: a model, where and when it is built, its trims and lowest retail."""

    model: VehicleModel
    plants: tuple[str, ...]
    years: tuple[int, ...]
    trim_count: int
    retail_from_jpy: Decimal | None


@dataclass(frozen=True)
class MakerCatalog:
    """A maker and the models of it that the caller may see."""

    maker: Maker
    models: tuple[ModelSummary, ...]


@dataclass(frozen=True)
class TrimRow:
    """A trim with its prices on the list in effect."""

    trim: Trim
    pricing: TrimPricing


@dataclass(frozen=True)
class ModelDetail:
    """A model's page: the model, its model years and its trims with today's prices."""

    model: VehicleModel
    model_years: tuple[ModelYear, ...]
    trims: tuple[TrimRow, ...]
    price_list: PriceList | None


@dataclass(frozen=True)
class OptionChoice:
    """An option the trim offers, its FOB price today and what its rules say about it."""

    option: OptionFacts
    fob_usd: Decimal | None
    includes: tuple[OptionFacts, ...]
    requires: tuple[OptionFacts, ...]
    excludes: tuple[OptionFacts, ...]


@dataclass(frozen=True)
class OptionGroup:
    """Options of one kind: packages, factory-installed or port-installed options."""

    key: str
    choices: tuple[OptionChoice, ...]


@dataclass(frozen=True)
class ColorChoice:
    """A colour the trim offers and its FOB price today."""

    color: ColorFacts
    fob_usd: Decimal | None


@dataclass(frozen=True)
class Configurator:
    """What the configurator page offers for one trim, priced from today's list."""

    trim: Trim
    data: ConfigurationData
    price_list: PriceList | None
    colors: tuple[ColorChoice, ...]
    option_groups: tuple[OptionGroup, ...]


def _visible_trims(caller: Caller):
    return trim_list(caller=caller)


def catalog_for_caller(*, caller: Caller, on_date: dt.date) -> list[MakerCatalog]:
    """The models the caller may see, grouped by maker, with trim counts and "from" retail prices.

    Five queries however many makers, models and trims: models with their makers, model years with
    plants, visible trims, the price lists in effect, and the trims' prices on them.
    """
    models = list(
        scoped(VehicleModel, caller)
        .select_related("maker")
        .prefetch_related(
            Prefetch(
                "model_years",
                queryset=ModelYear.objects.select_related("plant").order_by("year"),
                to_attr="years_with_plants",
            )
        )
        .order_by("maker__code", "code")
    )
    trims = list(_visible_trims(caller).filter(model_year__vehicle_model__in=models))
    pricing = trim_pricing(trims=trims, on_date=on_date)
    trims_by_model: dict[int, list[Trim]] = {}
    for trim in trims:
        trims_by_model.setdefault(trim.model_year.vehicle_model_id, []).append(trim)

    catalog: dict[int, list[ModelSummary]] = {}
    makers: dict[int, Maker] = {}
    for model in models:
        model_trims = trims_by_model.get(model.pk, [])
        retail = [
            pricing[trim.pk].suggested_retail_jpy
            for trim in model_trims
            if pricing[trim.pk].suggested_retail_jpy is not None
        ]
        plants = tuple(dict.fromkeys(year.plant.name for year in model.years_with_plants))
        makers[model.maker_id] = model.maker
        catalog.setdefault(model.maker_id, []).append(
            ModelSummary(
                model=model,
                plants=plants,
                years=tuple(year.year for year in model.years_with_plants),
                trim_count=len(model_trims),
                retail_from_jpy=min(retail) if retail else None,
            )
        )
    return [MakerCatalog(maker=makers[maker_id], models=tuple(rows)) for maker_id, rows in catalog.items()]


def model_for_caller(*, caller: Caller, code: str, on_date: dt.date) -> ModelDetail:
    """A model the caller may see, its model years and trims with today's prices (NotFound otherwise)."""
    model = get_scoped_or_404(
        VehicleModel.objects.select_related("maker", "certification_route"), caller, code=code
    )
    years = tuple(ModelYear.objects.filter(vehicle_model=model).select_related("plant").order_by("year"))
    trims = list(_visible_trims(caller).filter(model_year__vehicle_model=model))
    lists = price_lists_in_effect(maker_ids=[model.maker_id], on_date=on_date)
    pricing = trim_pricing(trims=trims, on_date=on_date, lists=lists)
    return ModelDetail(
        model=model,
        model_years=years,
        trims=tuple(TrimRow(trim=trim, pricing=pricing[trim.pk]) for trim in trims),
        price_list=price_list_for_model(lists, maker_id=model.maker_id, vehicle_model_id=model.pk),
    )


def trims_for_comparison(
    *, caller: Caller, codes: Sequence[str], on_date: dt.date
) -> tuple[list[TrimRow], list[str]]:
    """The visible trims among `codes` in the order given, and the codes not found (unknown or not yours)."""
    found = {trim.code: trim for trim in _visible_trims(caller).filter(code__in=list(codes))}
    trims = [found[code] for code in codes if code in found]
    pricing = trim_pricing(trims=trims, on_date=on_date)
    rows = [TrimRow(trim=trim, pricing=pricing[trim.pk]) for trim in trims]
    return rows, [code for code in codes if code not in found]


def trim_for_caller(*, caller: Caller, code: str) -> Trim:
    """A trim the caller may see, with its model year, plant, model and maker (NotFound otherwise)."""
    return get_scoped_or_404(_visible_trims(caller), caller, code=code)


def configurator_for_caller(*, caller: Caller, code: str, on_date: dt.date) -> Configurator:
    """A visible trim's colours and options, grouped, with their FOB prices on today's list.

    Eight queries: the trim, the engine's four (trim, options, colours, rules), the price lists in
    effect, and the option and colour prices on the chosen list.
    """
    trim = trim_for_caller(caller=caller, code=code)
    data = trim_configuration_data(trim_id=trim.pk)
    vehicle_model = trim.model_year.vehicle_model
    price_list = price_list_for_model(
        price_lists_in_effect(maker_ids=[vehicle_model.maker_id], on_date=on_date),
        maker_id=vehicle_model.maker_id,
        vehicle_model_id=vehicle_model.pk,
    )
    option_usd: dict[int, Decimal] = {}
    color_usd: dict[int, Decimal] = {}
    if price_list is not None:
        option_usd = dict(
            OptionPrice.objects.filter(price_list=price_list).values_list("option_id", "fob_usd")
        )
        color_usd = dict(ColorPrice.objects.filter(price_list=price_list).values_list("color_id", "fob_usd"))

    colors = tuple(
        ColorChoice(color=color, fob_usd=color_usd.get(color.id))
        for color in data.colors.values()
        if color.on_trim
    )
    offered = [option for option in data.options.values() if option.on_trim]
    groups = {
        "package": [o for o in offered if o.kind == OptionKind.PACKAGE],
        "factory": [
            o for o in offered if o.kind != OptionKind.PACKAGE and o.installation == Installation.FACTORY
        ],
        "port": [o for o in offered if o.kind != OptionKind.PACKAGE and o.installation == Installation.PORT],
    }
    return Configurator(
        trim=trim,
        data=data,
        price_list=price_list,
        colors=colors,
        option_groups=tuple(
            OptionGroup(
                key=key, choices=tuple(_option_choice(data, option, option_usd) for option in options)
            )
            for key, options in groups.items()
            if options
        ),
    )


def _option_choice(data: ConfigurationData, option: OptionFacts, prices: dict[int, Decimal]) -> OptionChoice:
    """An option with the rules that name it (an exclusion is shown on both sides)."""

    def targets(kind: str) -> tuple[OptionFacts, ...]:
        return tuple(
            data.options[rule.target]
            for rule in data.rules
            if rule.kind == kind and rule.option == option.code and rule.target in data.options
        )

    excluded_by = tuple(
        data.options[rule.option]
        for rule in data.rules
        if rule.kind == RuleKind.EXCLUDES and rule.target == option.code and rule.option in data.options
    )
    excludes = tuple(dict.fromkeys((*targets(RuleKind.EXCLUDES), *excluded_by)))
    return OptionChoice(
        option=option,
        fob_usd=prices.get(option.id),
        includes=targets(RuleKind.INCLUDES),
        requires=targets(RuleKind.REQUIRES),
        excludes=excludes,
    )
