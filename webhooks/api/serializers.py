"""Serializers of the webhooks API (their help texts are the schema's documentation)."""

from __future__ import annotations

from rest_framework import serializers

from webhooks.events import EVENT_TYPES
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


class EndpointSerializer(serializers.ModelSerializer):
    owner = serializers.SerializerMethodField(help_text="The dealer's or the partner's code.")
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(EVENT_TYPES)),
        help_text="The event types it receives (docs/webhooks.md).",
    )
    url = serializers.CharField(max_length=500, help_text="An https:// (or http://) URL on a public address.")

    class Meta:
        model = WebhookEndpoint
        fields = (
            "id",
            "owner",
            "url",
            "description",
            "event_types",
            "is_active",
            "disabled_reason",
            "disabled_at",
            "created_at",
        )
        read_only_fields = ("id", "owner", "is_active", "disabled_reason", "disabled_at", "created_at")

    def get_owner(self, endpoint: WebhookEndpoint) -> str:
        return endpoint.dealer.code if endpoint.dealer_id else endpoint.partner.code


class EndpointWithSecretSerializer(EndpointSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="The signing secret (whsec_...): shown once, on creation and rotation."
    )

    class Meta(EndpointSerializer.Meta):
        fields = (*EndpointSerializer.Meta.fields, "secret")


class EndpointChangeSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500, required=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(EVENT_TYPES)), required=False
    )
    is_active = serializers.BooleanField(
        required=False, help_text="false disables it, true enables it again."
    )


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = (
            "id",
            "endpoint",
            "message_id",
            "event_type",
            "status",
            "attempt_count",
            "next_attempt_at",
            "last_response_status",
            "delivered_at",
            "created_at",
        )
        read_only_fields = fields


class ReplayRangeSerializer(serializers.Serializer):
    since = serializers.DateTimeField(help_text="Replay deliveries created at or after this time.")
    until = serializers.DateTimeField(help_text="...and before this time.")


class ReplayedSerializer(serializers.Serializer):
    replayed = serializers.IntegerField(help_text="How many deliveries were queued again.")


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = (
            "number",
            "started_at",
            "request_headers",
            "request_body",
            "response_status",
            "response_excerpt",
            "duration_ms",
            "error",
        )
        read_only_fields = fields


class DeliveryDetailSerializer(DeliverySerializer):
    payload = serializers.JSONField(read_only=True, help_text="The message as sent: {type, timestamp, data}.")
    attempts = AttemptSerializer(many=True, read_only=True, help_text="Every attempt, first to last.")

    class Meta(DeliverySerializer.Meta):
        fields = (*DeliverySerializer.Meta.fields, "payload", "attempts")
        read_only_fields = fields


class EndpointPageSerializer(serializers.Serializer):
    """A cursor page of webhook endpoints."""

    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = EndpointSerializer(many=True)


class DeliveryPageSerializer(serializers.Serializer):
    """A cursor page of webhook deliveries, newest first."""

    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = DeliverySerializer(many=True)
