"""Webhook endpoints, the messages queued for them (one delivery each) and every attempt made."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.callers import Caller
from core.models import ClockDateTimeField, TimeStampedModel
from core.scoping import ScopedQuerySet


class WebhookEndpointQuerySet(ScopedQuerySet):
    """An endpoint is its owner's: the dealer's people and keys, or the partner's keys; staff see all."""

    def restrict(self, caller: Caller) -> WebhookEndpointQuerySet:
        if caller.is_back_office:
            return self
        if caller.is_dealer:
            return self.filter(dealer_id=caller.dealer_id)
        if caller.partner_id is not None:
            return self.filter(partner_id=caller.partner_id)
        return self.none()


class DisabledReason(models.TextChoices):
    """Why an endpoint stopped receiving deliveries."""

    NONE = "", _("not disabled")
    GONE = "gone", _("the endpoint answered 410 Gone")
    FAILING = "failing", _("every attempt of a delivery failed")
    BY_OWNER = "by_owner", _("disabled by its owner")


class WebhookEndpoint(TimeStampedModel):
    """A URL a dealer or a logistics partner wants events posted to, with its signing secret."""

    dealer = models.ForeignKey(
        "importorders.Dealer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_endpoints",
        verbose_name=_("dealer"),
    )
    partner = models.ForeignKey(
        "importorders.LogisticsPartner",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_endpoints",
        verbose_name=_("logistics partner"),
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = models.JSONField(
        _("event types"), default=list, help_text=_("The event types it receives.")
    )
    # The signing secret (whsec_ + base64 of 24 random bytes); during a rotation the previous one
    # signs too, until previous_secret_until.
    secret = models.CharField(_("secret"), max_length=100)
    previous_secret = models.CharField(_("previous secret"), max_length=100, blank=True)
    previous_secret_until = models.DateTimeField(_("previous secret valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(
        _("why disabled"), max_length=10, choices=DisabledReason.choices, blank=True, default=""
    )
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ("id",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(dealer__isnull=False, partner__isnull=True)
                | models.Q(dealer__isnull=True, partner__isnull=False),
                name="webhookendpoint_one_owner",
            )
        ]
        indexes = [
            models.Index(fields=("dealer", "is_active"), name="webhookendpoint_dealer_active"),
            models.Index(fields=("partner", "is_active"), name="webhookendpoint_partner_active"),
        ]

    def __str__(self) -> str:
        return self.url


class WebhookDeliveryQuerySet(ScopedQuerySet):
    """A delivery is seen by whoever sees its endpoint."""

    def restrict(self, caller: Caller) -> WebhookDeliveryQuerySet:
        if caller.is_back_office:
            return self
        if caller.is_dealer:
            return self.filter(endpoint__dealer_id=caller.dealer_id)
        if caller.partner_id is not None:
            return self.filter(endpoint__partner_id=caller.partner_id)
        return self.none()


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")


class WebhookDelivery(models.Model):
    """One message for one endpoint (the outbox row): written with the change, sent after commit.

    `message_id` is the `webhook-id` header, the same on every attempt and replay, so a receiver
    applies the message once. `next_attempt_at` is when it is due (the sweeper re-queues what is
    due); while an attempt runs it holds the attempt's lease, so a worker killed mid-send is
    re-queued once the lease has passed.
    """

    Status = DeliveryStatus

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    message_id = models.CharField(_("message id"), max_length=40, unique=True)
    event_type = models.CharField(_("event type"), max_length=60)
    payload = models.JSONField(_("payload"))
    created_at = ClockDateTimeField(_("created at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempt_count = models.PositiveIntegerField(_("attempts"), default=0)
    # Attempts made since the last replay: the retry schedule counts these.
    attempts_in_round = models.PositiveIntegerField(_("attempts in this round"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_response_status = models.PositiveSmallIntegerField(_("last response status"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=("status", "next_attempt_at"), name="webhookdelivery_due"),
            models.Index(fields=("endpoint", "-created_at", "-id"), name="webhookdelivery_endpoint_log"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} {self.event_type} {self.status}"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery and what came back (the delivery log)."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("delivery")
    )
    number = models.PositiveIntegerField(_("number"))
    started_at = models.DateTimeField(_("started at"))
    request_headers = models.JSONField(_("request headers"), default=dict)
    request_body = models.TextField(_("request body"))
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_excerpt = models.TextField(_("response body (excerpt)"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ("delivery", "number")
        constraints = [
            models.UniqueConstraint(fields=("delivery", "number"), name="webhookattempt_delivery_number")
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number} {self.response_status or self.error}"
