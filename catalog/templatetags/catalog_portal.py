"""Template filters of the catalog pages: money, numbers, bilingual names, periods, visibility."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from catalog.models import VehicleModel
from catalog.models.base import in_current_language
from catalog.models.scoping import sees_catalog as caller_sees_catalog
from catalog.selectors.recognition import is_subject_to_approval
from core.callers import Caller

register = template.Library()


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
        return _("from %(start)s") % {"start": start.isoformat()}
    last_day = end - dt.timedelta(days=1)
    return _("%(start)s to %(end)s") % {"start": start.isoformat(), "end": last_day.isoformat()}


@register.filter
def percent(rate: Decimal | None) -> str:
    """A rate as a percentage without trailing zeros: 0.1000 -> 10%, 0.0050 -> 0.5%."""
    if rate is None:
        return ""
    value = (Decimal(rate) * 100).normalize()
    return f"{value:f}%"


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
