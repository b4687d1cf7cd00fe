"""Celery tasks owned by the catalog. Tasks stay thin: they call a service."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from catalog.errors import FxSourceUnavailable
from catalog.services.fx_import import fx_import_fetch
from core.actors import Actor

logger = logging.getLogger(__name__)

FX_IMPORTER = Actor.system("fx_rate_import")
# A source that is down or slow is tried again FX_MAX_RETRIES times, FX_RETRY_SECONDS apart (15
# minutes by default: well inside the broker's one-hour visibility timeout); a source that answers
# nonsense is not retried: that needs a person.
FX_MAX_RETRIES = 3


@shared_task(name="catalog.fx_rate_import", bind=True, max_retries=FX_MAX_RETRIES, ignore_result=False)
def fx_rate_import(self, url: str | None = None, format: str | None = None) -> dict:
    """Import today's USD/JPY rate from the configured source (beat: 10:30 JST on weekdays)."""
    url = url or settings.FX_SOURCE_URL
    if not url:
        logger.warning("FX_SOURCE_URL is not set: no exchange rate was imported")
        return {"status": "not_configured"}
    try:
        result = fx_import_fetch(actor=FX_IMPORTER, url=url, format=format or settings.FX_SOURCE_FORMAT)
    except FxSourceUnavailable as exc:
        logger.warning(
            "FX source %s unavailable (%s); retry %s of %s",
            url,
            exc.fields,
            self.request.retries + 1,
            FX_MAX_RETRIES,
        )
        raise self.retry(exc=exc, countdown=settings.FX_RETRY_SECONDS) from exc
    return result.as_dict()
