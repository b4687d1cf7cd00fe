"""The event types an endpoint can subscribe to, and what each says."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# An order's moves through the pipeline (importorders.pipeline), each under its target status; the
# system's steps back (a partner retracted a milestone, docs/decisions/0005) under one type.
ORDER_EVENT_TYPES = {
    "order.submitted": _("An order was submitted."),
    "order.confirmed": _("An order was confirmed: a unit of the quota reserved, the price locked."),
    "order.rejected": _("An order was rejected, with a reason."),
    "order.scheduled": _("An order was scheduled for a production week."),
    "order.cancelled": _("An order was cancelled."),
    "order.built": _("The vehicle was built: its VIN was assigned."),
    "order.shipped": _("The vehicle was shipped."),
    "order.arrived": _("The vehicle arrived at the Japanese port."),
    "order.cleared": _("The vehicle cleared customs."),
    "order.ready": _("The vehicle is ready: every release gate passes."),
    "order.delivered": _("The vehicle was delivered to the dealer."),
    "order.moved_back": _(
        "A logistics partner retracted a milestone: the order went back to an earlier status."
    ),
}
TEST_EVENT_TYPE = "webhook.test"
EVENT_TYPES = {**ORDER_EVENT_TYPES, TEST_EVENT_TYPE: _("A test event sent on request.")}
