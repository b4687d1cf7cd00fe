"""Reads of webhook endpoints and deliveries, always scoped to the caller."""

from __future__ import annotations

from django.db.models import QuerySet

from core.callers import Caller
from core.scoping import get_scoped_or_404, scoped, selector
from webhooks.models import WebhookDelivery, WebhookEndpoint


@selector
def endpoints_for(*, caller: Caller) -> QuerySet[WebhookEndpoint]:
    """The endpoints the caller may see, with their owners."""
    return scoped(WebhookEndpoint, caller).select_related("dealer", "partner")


def endpoint_get(*, caller: Caller, pk) -> WebhookEndpoint:
    """One endpoint of the caller's, or NotFound."""
    return get_scoped_or_404(endpoints_for(caller=caller), caller, pk=pk)


@selector
def deliveries_for(*, caller: Caller, endpoint: WebhookEndpoint | None = None) -> QuerySet[WebhookDelivery]:
    """The caller's deliveries (of one endpoint when given), newest first."""
    queryset = scoped(WebhookDelivery, caller).defer("payload")
    if endpoint is not None:
        queryset = queryset.filter(endpoint=endpoint)
    return queryset


def delivery_get(*, caller: Caller, pk, with_attempts: bool = False) -> WebhookDelivery:
    """One delivery of the caller's, with its endpoint (and its attempts), or NotFound."""
    queryset = scoped(WebhookDelivery, caller).select_related("endpoint")
    if with_attempts:
        queryset = queryset.prefetch_related("attempts")
    return get_scoped_or_404(queryset, caller, pk=pk)
