from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Outbound webhooks (Standard Webhooks 1.0): endpoints, the outbox, deliveries and their log."""

    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from core.notifications import kinds
        from importorders.services.orders import on_order_event_written
        from webhooks import checks  # noqa: F401  (registers the system checks)
        from webhooks.notifications import endpoint_disabled_kind
        from webhooks.services.outbox import order_events_written

        on_order_event_written(order_events_written)
        kinds.register(endpoint_disabled_kind())
