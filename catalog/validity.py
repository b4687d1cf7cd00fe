"""How long a quote's prices are offered: QUOTE_VALIDITY_DAYS days, the issue day counting as the first."""

from __future__ import annotations

import datetime as dt

from django.conf import settings


def quote_valid_until(issued_on: dt.date) -> dt.date:
    """The last day a quote issued on `issued_on` may be reopened at its prices (30 days: the 30th)."""
    return issued_on + dt.timedelta(days=max(settings.QUOTE_VALIDITY_DAYS, 1) - 1)
