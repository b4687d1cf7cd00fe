"""How numbers and dates read on every page, in each language (docs/catalog.md, "Numbers and dates").

One format per language: 2026年12月1日 in Japanese, 1 Dec 2026 in English. Month names are written
here, not taken from the machine's locale, so a page reads the same on every server.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import get_language

from core import clock

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def page_is_japanese() -> bool:
    """Whether the active language is Japanese (the default when none is active)."""
    return (get_language() or "ja").startswith("ja")


def day_text(day: dt.date | None) -> str:
    """A date in the page's language: 2026年12月1日 or 1 Dec 2026; "" for none."""
    if day is None or day == "":
        return ""
    if isinstance(day, dt.datetime):
        day = clock.to_jst(day).date() if day.tzinfo else day.date()
    if page_is_japanese():
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def percent_text(rate: Decimal | None) -> str:
    """A rate (a fraction) as a percentage without trailing zeros: 0.1000 -> 10%, 0.00500 -> 0.5%."""
    if rate is None or rate == "":
        return ""
    value = (Decimal(rate) * 100).normalize()
    return f"{value:f}%"


def plain_number(number: Decimal) -> str:
    """A decimal without trailing zeros and never in exponent form: 152.3400 -> 152.34, 150 -> 150."""
    text = f"{Decimal(number).normalize():f}"
    return text
