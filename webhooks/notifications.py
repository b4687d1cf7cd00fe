"""Telling an endpoint's owner that it was disabled (410 Gone, or every attempt failed).

A dealer's endpoint: the dealer's active managers hear of it; a partner's endpoint (partners have
keys, not people): operations. Sent on commit of the disabling, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext, pgettext_lazy

from core.actors import Actor
from core.notifications import kinds
from core.notifications.services import Recipient, notifications_deliver
from core.roles import OPERATIONS
from webhooks.models import DisabledReason, WebhookEndpoint

KIND = "webhook.disabled"


def _title(params: Mapping[str, Any]) -> str:
    return gettext("A webhook endpoint was disabled: %(url)s") % {"url": params.get("url", "")}


def _body(params: Mapping[str, Any]) -> str:
    if params.get("reason") == DisabledReason.GONE:
        return gettext("It answered 410 Gone. Nothing more is sent to it until it is enabled again.")
    return gettext(
        "Every attempt of a delivery failed over several days. Nothing more is sent to it until it is "
        "enabled again; failed deliveries can be replayed then."
    )


def endpoint_disabled_kind() -> kinds.NotificationKind:
    """The notification kind (registered by WebhooksConfig.ready)."""
    return kinds.NotificationKind(
        key=KIND,
        label=pgettext_lazy("notification kind", "Webhook endpoint disabled"),
        audience="dealer",
        title=_title,
        body=_body,
        email_default=True,
        order=300,
    )


def endpoint_disabled_recipients(endpoint: WebhookEndpoint) -> list[Recipient]:
    """The dealer's active managers, or operations for a partner's endpoint."""
    if endpoint.dealer_id is not None:
        from importorders.models import DealerMembership

        users = DealerMembership.objects.filter(
            dealer_id=endpoint.dealer_id, active=True, role="manager", user__is_active=True
        ).values_list("user_id", flat=True)
    else:
        users = (
            get_user_model()
            .objects.filter(is_active=True, is_staff=True, groups__name=OPERATIONS)
            .values_list("pk", flat=True)
        )
    return [Recipient(user_id=user_id, kind=KIND, forced=True) for user_id in sorted(set(users))]


def endpoint_disabled_notify(*, endpoint_id: int, actor: Actor) -> int:
    """Write the notifications of an endpoint's disabling; returns how many were written."""
    endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
    rows = notifications_deliver(
        actor=actor,
        event_key=f"webhook.disabled:{endpoint.pk}:{endpoint.disabled_at.isoformat()}",
        subject_ref=f"webhook-endpoint:{endpoint.pk}",
        link="",
        params={"url": endpoint.url, "reason": endpoint.disabled_reason},
        recipients=endpoint_disabled_recipients(endpoint),
    )
    return len(rows)


def endpoint_disabled_notify_on_commit(endpoint: WebhookEndpoint) -> None:
    endpoint_id = endpoint.pk
    transaction.on_commit(
        lambda: endpoint_disabled_notify(endpoint_id=endpoint_id, actor=Actor.system("webhooks")), robust=True
    )
