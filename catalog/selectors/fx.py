"""How fresh the USD/JPY rate is: what the staleness banner, the catalog pages and /readyz show.

The newest rate's date is read once per catalog version and day (a new rate bumps the version),
so a page pays a cache read, not a query; without Redis (no version) it is read from the database.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from catalog.models import FxRate
from catalog.services.quote import FX_MAX_AGE_DAYS
from catalog.versioning import catalog_version
from core import clock
from core.cache import SharedCacheUnavailable
from core.callers import Caller
from core.navigation import Notice

_NONE = "none"  # cached "there is no rate", distinct from "not cached"


@dataclass(frozen=True)
class FxFreshness:
    """The newest USD/JPY rate on or before a day, its age, and what that means."""

    on_date: dt.date
    newest_rate_date: dt.date | None
    alert_age_days: int
    max_age_days: int

    @property
    def age_days(self) -> int | None:
        return None if self.newest_rate_date is None else (self.on_date - self.newest_rate_date).days

    @property
    def stale(self) -> bool:
        """Older than FX_ALERT_AGE_DAYS (or none at all): operations should look."""
        return self.age_days is None or self.age_days > self.alert_age_days

    @property
    def quotable(self) -> bool:
        """A quote on the day finds a rate (catalog.services.quote refuses otherwise)."""
        return self.age_days is not None and self.age_days <= self.max_age_days

    def as_dict(self) -> dict:
        return {
            "pair": "USD/JPY",
            "newest_rate_date": self.newest_rate_date.isoformat() if self.newest_rate_date else None,
            "age_days": self.age_days,
            "alert_age_days": self.alert_age_days,
            "stale": self.stale,
            "quotable": self.quotable,
        }


def _newest_rate_date(on_date: dt.date) -> dt.date | None:
    return (
        FxRate.objects.filter(base_currency="USD", quote_currency="JPY", rate_date__lte=on_date)
        .order_by("-rate_date")
        .values_list("rate_date", flat=True)
        .first()
    )


def fx_freshness(*, on_date: dt.date | None = None, cached: bool = True) -> FxFreshness:
    """The freshness of the USD/JPY rate on a day (today in Japan by default)."""
    on_date = on_date or clock.today_jst()
    version = catalog_version() if cached else None
    newest: dt.date | None
    if version is None:
        newest = _newest_rate_date(on_date)
    else:
        key = f"catalog:fx-newest:{version}:{on_date.isoformat()}"
        try:
            stored = cache.get(key)
        except SharedCacheUnavailable:
            stored = None
        if stored is None:
            newest = _newest_rate_date(on_date)
            with contextlib.suppress(SharedCacheUnavailable):
                cache.set(key, newest.isoformat() if newest else _NONE, timeout=24 * 3600)
        else:
            newest = None if stored == _NONE else dt.date.fromisoformat(stored)
    return FxFreshness(
        on_date=on_date,
        newest_rate_date=newest,
        alert_age_days=settings.FX_ALERT_AGE_DAYS,
        max_age_days=FX_MAX_AGE_DAYS,
    )


def fx_stale_notice(caller: Caller) -> Notice | None:
    """The banner operations see on every portal page while the rate is stale (nobody else: no read)."""
    if not caller.is_operations:
        return None
    freshness = fx_freshness()
    if not freshness.stale:
        return None
    if freshness.newest_rate_date is None:
        message = _("No USD/JPY exchange rate is recorded: quotes are refused until one is imported.")
    elif freshness.quotable:
        message = _(
            "The newest USD/JPY exchange rate is of %(date)s, %(days)s days old: check the daily import. "
            "Quotes refuse a rate older than %(max)s days."
        ) % {
            "date": freshness.newest_rate_date.isoformat(),
            "days": freshness.age_days,
            "max": freshness.max_age_days,
        }
    else:
        message = _(
            "The newest USD/JPY exchange rate is of %(date)s, %(days)s days old: quotes are refused "
            "until a new rate is imported."
        ) % {"date": freshness.newest_rate_date.isoformat(), "days": freshness.age_days}
    return Notice(message=message, testid="fx-stale", level="warning" if freshness.quotable else "error")
