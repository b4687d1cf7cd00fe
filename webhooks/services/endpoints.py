"""Endpoints: create, change, disable, enable, rotate the secret. The secret is shown once."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.actors import Actor
from core.errors import ValidationFailed
from importorders.models import Dealer, LogisticsPartner
from webhooks.events import EVENT_TYPES, TEST_EVENT_TYPE
from webhooks.guard import url_check
from webhooks.models import DisabledReason, WebhookEndpoint
from webhooks.signing import secret_new

# How long the previous secret still signs after a rotation (receivers switch over meanwhile).
ROTATION_OVERLAP = dt.timedelta(hours=24)


def _event_types_checked(event_types: list[str]) -> list[str]:
    unknown = sorted(set(event_types) - set(EVENT_TYPES))
    if not event_types or unknown:
        message = (
            _("Unknown event types: %(types)s.") % {"types": ", ".join(unknown)}
            if unknown
            else _("Choose at least one event type.")
        )
        raise ValidationFailed(fields={"event_types": [message]}, code="invalid")
    return sorted(set(event_types) - {TEST_EVENT_TYPE})


def endpoint_create(
    *,
    actor: Actor,
    url: str,
    event_types: list[str],
    dealer: Dealer | None = None,
    partner: LogisticsPartner | None = None,
    description: str = "",
) -> WebhookEndpoint:
    """A new endpoint of a dealer or a partner (the caller's), with a fresh secret; the URL checked."""
    if (dealer is None) == (partner is None):
        raise ValueError("an endpoint has exactly one owner")
    types = _event_types_checked(event_types)
    url_check(url)
    with transaction.atomic():
        return WebhookEndpoint.objects.create(
            dealer=dealer,
            partner=partner,
            url=url,
            event_types=types,
            description=description.strip(),
            secret=secret_new(),
        )


def endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    actor: Actor,
    url: str | None = None,
    event_types: list[str] | None = None,
    description: str | None = None,
) -> WebhookEndpoint:
    """Change an endpoint's URL (checked again), event types or description."""
    if event_types is not None:
        endpoint.event_types = _event_types_checked(event_types)
    if url is not None and url != endpoint.url:
        url_check(url)
        endpoint.url = url
    if description is not None:
        endpoint.description = description.strip()
    with transaction.atomic():
        endpoint.save()
    return endpoint


def endpoint_disable(
    *, endpoint: WebhookEndpoint, actor: Actor, reason: str = DisabledReason.BY_OWNER
) -> bool:
    """Stop deliveries to an endpoint, with the reason; False when it already was disabled."""
    changed = WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, disabled_reason=reason, disabled_at=clock.now(), updated_at=clock.now()
    )
    endpoint.refresh_from_db()
    return bool(changed)


def endpoint_enable(*, endpoint: WebhookEndpoint, actor: Actor) -> WebhookEndpoint:
    """Deliver to a disabled endpoint again (its URL checked again); failed deliveries stay failed."""
    url_check(endpoint.url)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        is_active=True, disabled_reason="", disabled_at=None, updated_at=clock.now()
    )
    endpoint.refresh_from_db()
    return endpoint


def endpoint_secret_rotate(*, endpoint: WebhookEndpoint, actor: Actor) -> WebhookEndpoint:
    """A new secret; the previous one keeps signing beside it for ROTATION_OVERLAP."""
    with transaction.atomic():
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_until = clock.now() + ROTATION_OVERLAP
        endpoint.secret = secret_new()
        endpoint.save()
    return endpoint


def secrets_in_use(endpoint: WebhookEndpoint) -> list[str]:
    """The secrets that sign now: the current one, and the previous one during a rotation."""
    in_use = [endpoint.secret]
    if (
        endpoint.previous_secret
        and endpoint.previous_secret_until
        and endpoint.previous_secret_until > clock.now()
    ):
        in_use.append(endpoint.previous_secret)
    return in_use
