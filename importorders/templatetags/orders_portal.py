"""Template helpers of the order pages: Japan time, bilingual pairs, status badges."""

from __future__ import annotations

import datetime as dt

from django import template

from core import clock
from core.models import in_current_language

register = template.Library()

# The badge of each status: waiting on someone, on its way, or out of the pipeline.
STATUS_TONE = {
    "draft": "",
    "submitted": "conditional",
    "rejected": "danger",
    "cancelled": "danger",
}


@register.filter
def jst(at: dt.datetime | None) -> str:
    """An aware time in Japan time, `2027-03-01 09:30` (the footer says every time is JST)."""
    if not at:
        return ""
    return clock.to_jst(at).strftime("%Y-%m-%d %H:%M")


@register.filter
def status_tone(status: str) -> str:
    return STATUS_TONE.get(status, "ok")


@register.simple_tag
def bilingual(ja: str, en: str) -> str:
    """The Japanese or English of a pair, by the page's language."""
    return in_current_language(ja=ja, en=en)
