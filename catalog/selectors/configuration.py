"""Loads everything the build-validity engine needs about a trim in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from catalog.models import Color, Option, OptionRule, Trim, TrimColor, TrimOption


@dataclass(frozen=True)
class OptionFacts:
    """An option of the trim's maker, and whether this trim offers it."""

    id: int
    code: str
    name_ja: str
    name_en: str
    kind: str
    installation: str
    on_trim: bool


@dataclass(frozen=True)
class ColorFacts:
    """A colour of the trim's maker, and whether this trim offers it."""

    id: int
    code: str
    name_ja: str
    name_en: str
    hex: str
    on_trim: bool


@dataclass(frozen=True)
class RuleFacts:
    """An option rule in force for the trim's model."""

    kind: str
    option: str
    target: str


@dataclass(frozen=True)
class ConfigurationData:
    """What the engine knows about one trim: its model's status, options, colours and rules."""

    trim_id: int
    trim_code: str
    trim_name_ja: str
    trim_name_en: str
    trim_active: bool
    displacement_cc: int | None
    vehicle_model_id: int
    vehicle_model_code: str
    maker_id: int
    recognition_status: str
    options: dict[str, OptionFacts]
    colors: dict[str, ColorFacts]
    rules: tuple[RuleFacts, ...]


def trim_configuration_data(*, trim_id: int) -> ConfigurationData:
    """The engine's input for one trim: four queries however many options, colours and rules."""
    trim = Trim.objects.select_related("model_year__vehicle_model").get(pk=trim_id)
    vehicle_model = trim.model_year.vehicle_model
    options = (
        Option.objects.filter(maker_id=vehicle_model.maker_id)
        .annotate(offered=Exists(TrimOption.objects.filter(trim_id=trim.pk, option_id=OuterRef("pk"))))
        .values_list("id", "code", "name_ja", "name_en", "kind", "installation", "offered", "active")
    )
    colors = (
        Color.objects.filter(maker_id=vehicle_model.maker_id)
        .annotate(offered=Exists(TrimColor.objects.filter(trim_id=trim.pk, color_id=OuterRef("pk"))))
        .values_list("id", "code", "name_ja", "name_en", "hex", "offered")
    )
    rules = (
        OptionRule.objects.filter(option__maker_id=vehicle_model.maker_id)
        .filter(Q(vehicle_model__isnull=True) | Q(vehicle_model_id=vehicle_model.pk))
        .order_by("option__code", "kind", "target__code")
        .values_list("kind", "option__code", "target__code")
    )
    return ConfigurationData(
        trim_id=trim.pk,
        trim_code=trim.code,
        trim_name_ja=trim.name_ja,
        trim_name_en=trim.name_en,
        trim_active=trim.active and vehicle_model.active,
        displacement_cc=trim.displacement_cc,
        vehicle_model_id=vehicle_model.pk,
        vehicle_model_code=vehicle_model.code,
        maker_id=vehicle_model.maker_id,
        recognition_status=vehicle_model.recognition_status,
        # An inactive option is no longer offered, whatever the availability rows say.
        options={row[1]: OptionFacts(*row[:6], on_trim=row[6] and row[7]) for row in options},
        colors={row[1]: ColorFacts(*row) for row in colors},
        rules=tuple(RuleFacts(*row) for row in rules),
    )
