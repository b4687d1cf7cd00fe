"""What the printable quotes add to a quote: its validity from the day it was priced."""

from __future__ import annotations

import datetime as dt

from django import template

from catalog.validity import quote_valid_until

register = template.Library()


@register.filter
def valid_until(issued_on: dt.date | None) -> dt.date | None:
    """`{{ quote.on_date|valid_until }}`: the last day the quote's prices are offered."""
    return quote_valid_until(issued_on) if issued_on else None
