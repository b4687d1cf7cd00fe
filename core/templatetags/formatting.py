"""Template filters for dates and rates in the page's language (`core.formatting`)."""

from __future__ import annotations

from django import template

from core.formatting import day_text, percent_text

register = template.Library()

register.filter("day", day_text)
register.filter("percent", percent_text)
