"""Pull adapters: partners who serve a tracking API instead of pushing events.

A `PartnerTrackingSource` says where to poll (a URL answering `{"events": [...]}` in a named
vocabulary and version), how often, and how many calls a minute the partner allows. Every outbound
call is logged (`PartnerCallLog`: the request, the response, how long, what went wrong).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.callers import Caller
from core.models import ClockDateTimeField, TimeStampedModel
from core.scoping import ScopedQuerySet


class TrackingSourceQuerySet(ScopedQuerySet):
    def restrict(self, caller: Caller) -> TrackingSourceQuerySet:
        return self.for_back_office_only(caller)


class PartnerTrackingSource(TimeStampedModel):
    """Where and how often to poll one partner's tracking API; backoff state after failures."""

    partner = models.ForeignKey(
        "importorders.LogisticsPartner",
        on_delete=models.CASCADE,
        related_name="tracking_sources",
        verbose_name=_("partner"),
    )
    url = models.URLField(_("URL"), max_length=500)
    vocabulary = models.CharField(_("vocabulary"), max_length=20, default="canonical")
    version = models.CharField(_("version"), max_length=20, default="1")
    interval_seconds = models.PositiveIntegerField(_("interval (seconds)"), default=300)
    calls_per_minute = models.PositiveIntegerField(_("calls per minute at most"), default=6)
    active = models.BooleanField(_("active"), default=True)
    next_poll_at = models.DateTimeField(_("next poll"), null=True, blank=True)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)

    objects = TrackingSourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner tracking source")
        verbose_name_plural = _("partner tracking sources")
        indexes = [models.Index(fields=("active", "next_poll_at"), name="tracking_source_due")]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.url}"


class CallLogQuerySet(ScopedQuerySet):
    def restrict(self, caller: Caller) -> CallLogQuerySet:
        return self.for_back_office_only(caller)


class PartnerCallLog(models.Model):
    """One outbound call to a partner: what was asked, what came back (bodies cut at 64 kB)."""

    source = models.ForeignKey(
        PartnerTrackingSource, on_delete=models.CASCADE, related_name="calls", verbose_name=_("source")
    )
    partner = models.ForeignKey(
        "importorders.LogisticsPartner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    at = ClockDateTimeField(_("at"), auto_now_add=True)
    method = models.CharField(_("method"), max_length=10, default="GET")
    url = models.CharField(_("URL"), max_length=500)
    request_headers = models.JSONField(_("request headers"), default=dict)
    status_code = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    response_headers = models.JSONField(_("response headers"), default=dict)
    response_body = models.TextField(_("response body"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    accepted = models.PositiveIntegerField(_("events accepted"), default=0)

    objects = CallLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner call")
        verbose_name_plural = _("partner calls")
        ordering = ("-at", "-id")
        # The rate limit counts a partner's calls of the last minute.
        indexes = [models.Index(fields=("partner", "at"), name="partner_call_recent")]

    def __str__(self) -> str:
        return f"{self.method} {self.url} {self.status_code}"
