"""Back office: endpoints, deliveries and their attempts (read-mostly: writes go through services)."""

from django.contrib import admin

from core.admin import ScopedAdminMixin
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("url", "dealer", "partner", "is_active", "disabled_reason", "disabled_at")
    list_filter = ("is_active", "disabled_reason")
    list_select_related = ("dealer", "partner")
    search_fields = ("url", "dealer__code", "partner__code")
    exclude = ("secret", "previous_secret")
    readonly_fields = ("disabled_at", "created_at", "updated_at")


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ("number", "started_at", "response_status", "duration_ms", "error", "response_excerpt")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("message_id", "event_type", "endpoint", "status", "attempt_count", "next_attempt_at")
    list_filter = ("status", "event_type")
    list_select_related = ("endpoint",)
    search_fields = ("message_id",)
    readonly_fields = [field.name for field in WebhookDelivery._meta.fields]
    inlines = (WebhookAttemptInline,)

    def has_add_permission(self, request) -> bool:
        return False
