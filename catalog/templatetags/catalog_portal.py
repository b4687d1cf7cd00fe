"""Template filters of the catalog pages: money, numbers, bilingual names, periods, visibility."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from catalog.models import VehicleModel
from catalog.models.base import in_current_language
from catalog.models.scoping import sees_catalog as caller_sees_catalog
from catalog.selectors.recognition import is_subject_to_approval
from core.callers import Caller
from core.formatting import day_text, page_is_japanese, percent_text, plain_number

register = template.Library()

# The one date format of the pages (core.formatting): 2026年12月1日 / 1 Dec 2026.
register.filter("day", day_text)
register.filter("plain", plain_number)

# An official recognition number as the ministry writes it: 認定第US-0001号.
_RECOGNITION_NUMBER = re.compile(r"^認定第(?P<number>.+)号$")


@register.filter
def yen(amount: Decimal | int | None) -> str:
    """Whole yen with thousands separators, in every language: ¥5,562,324."""
    if amount is None or amount == "":
        return ""
    return f"¥{int(amount):,}"


@register.filter
def usd(amount: Decimal | None) -> str:
    """US dollars and cents with thousands separators: USD 28,400.00."""
    if amount is None or amount == "":
        return ""
    return f"USD {Decimal(amount):,.2f}"


@register.filter
def thousands(number: int | None) -> str:
    """An integer with thousands separators: 4,915."""
    if number is None or number == "":
        return ""
    return f"{int(number):,}"


@register.filter
def localized(obj: object, prefix: str) -> str:
    """`obj.<prefix>_ja` or `obj.<prefix>_en`, by the active language (`{{ rule|localized:"label" }}`)."""
    return in_current_language(ja=getattr(obj, f"{prefix}_ja", ""), en=getattr(obj, f"{prefix}_en", ""))


@register.filter
def names(items) -> str:
    """The names of several options (or colours) in the active language, in one list: "A, B"."""
    return _(", ").join(localized(item, "name") for item in items)


@register.filter
def period(obj: object) -> str:
    """A dated row's period [effective_from, effective_to) as the days it applies, last day included."""
    start: dt.date = obj.effective_from
    end: dt.date | None = obj.effective_to
    if end is None:
        return _("from %(start)s") % {"start": day_text(start)}
    last_day = end - dt.timedelta(days=1)
    return _("%(start)s to %(end)s") % {"start": day_text(start), "end": day_text(last_day)}


@register.filter
def percent(rate: Decimal | None) -> str:
    """A rate as a percentage without trailing zeros: 0.1000 -> 10%, 0.0050 -> 0.5%."""
    return percent_text(rate)


@register.filter
def recognition_number(number: str) -> str:
    """The recognition number in the page's language: 認定第US-0001号 reads "No. US-0001" in English."""
    match = _RECOGNITION_NUMBER.match(number or "")
    if match is None or page_is_japanese():
        return number
    return _("No. %(number)s") % {"number": match["number"]}


@register.filter
def plant_place(plant: object) -> str:
    """Where a plant is: its Japanese name on Japanese pages (the US town and state are English
    only), its English name with town and state on English pages."""
    if page_is_japanese():
        return plant.name_ja or plant.name_en
    return ", ".join(part for part in (plant.name_en, plant.city, plant.state) if part)


@register.filter
def sees_catalog(caller: Caller) -> bool:
    """Whether the header shows the catalog to this caller."""
    return bool(caller) and caller_sees_catalog(caller)


@register.filter
def subject_to_approval(model: VehicleModel) -> bool:
    """Whether the model is ordered subject to approval (`catalog.selectors.recognition`)."""
    return is_subject_to_approval(model.recognition_status)


@register.filter
def lookup(mapping: dict, key: str) -> object:
    """`mapping[key]`, or None (`{{ data.options|lookup:code }}`)."""
    return mapping.get(key)
