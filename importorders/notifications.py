"""Who hears of an order's moves, and what they read (docs/notifications.md).

Each committed move of the pipeline queues one task (`order_moved_listener`, registered in
ImportOrdersConfig.ready); the task calls `order_move_notify`, which works out the recipients and
hands them to core's delivery (`core.notifications.services.notifications_deliver`):

- the active people of the order's dealer, by their preferences for `order.<new status>`, or for
  `order.moved_back` when the system stepped the order back (a partner retracted a milestone);
- operations staff, by their preferences for `queue.submitted` (an order joins the confirmation
  queue) and `queue.cancelled` (a submitted order is cancelled: it leaves the queue);
- everyone watching the order who may still see it: every event, in the portal and by e-mail;
- never the person who made the move.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.actors import Actor
from core.models import in_current_language
from core.notifications import kinds
from core.notifications.models import Notification
from core.notifications.services import Recipient, notifications_deliver
from core.roles import BACK_OFFICE_GROUPS, OPERATIONS
from importorders.models import DealerMembership, Order, OrderEvent, OrderStatus, OrderWatch
from importorders.pipeline import MOVED_BACK, MOVES, Move, move_event_name

logger = logging.getLogger(__name__)

# Kinds that go by e-mail unless a person turns them off: the moves a dealer acts on or must tell
# a customer about. The others (submitted by a colleague, the transport milestones in between,
# delivered) are in the portal only unless turned on. docs/notifications.md has the table.
EMAIL_BY_DEFAULT = frozenset(
    {
        OrderStatus.CONFIRMED,
        OrderStatus.REJECTED,
        OrderStatus.SCHEDULED,
        OrderStatus.BUILT,
        OrderStatus.READY,
        OrderStatus.CANCELLED,
    }
)

# The confirmation queue: (from, to) of a move → the kind operations hear of it under.
QUEUE_KINDS = {
    (OrderStatus.DRAFT, OrderStatus.SUBMITTED): "queue.submitted",
    (OrderStatus.SUBMITTED, OrderStatus.CANCELLED): "queue.cancelled",
}


def _dealer(params: Mapping[str, Any]) -> str:
    return in_current_language(ja=params.get("dealer_name_ja", ""), en=params.get("dealer_name_en", ""))


def _title(template) -> Any:
    def render(params: Mapping[str, Any]) -> str:
        return str(template) % {"reference": params.get("reference", ""), "dealer": _dealer(params)}

    return render


def _body(params: Mapping[str, Any]) -> str:
    """What a dealer's people read under the title: the reason, the week, their customer reference."""
    lines = []
    if params.get("reason"):
        lines.append(_("Reason: %(reason)s") % {"reason": params["reason"]})
    if params.get("production_week"):
        lines.append(_("Production week: the week of %(week)s") % {"week": params["production_week"]})
    if params.get("customer_reference"):
        lines.append(_("Customer reference: %(ref)s") % {"ref": params["customer_reference"]})
    return "\n".join(lines)


def _queue_body(params: Mapping[str, Any]) -> str:
    """What operations read: the same, and which dealer (code and name)."""
    dealer = {"dealer": _dealer(params), "code": params.get("dealer_code", "")}
    return "\n".join(line for line in (_body(params), _("Dealer: %(dealer)s (%(code)s)") % dealer) if line)


# One kind per status an order can move to, for the dealer's people: (status, label, title).
DEALER_KINDS = (
    (
        OrderStatus.SUBMITTED,
        pgettext_lazy("notification kind", "Order submitted"),
        gettext_lazy("Order %(reference)s was submitted"),
    ),
    (
        OrderStatus.CONFIRMED,
        pgettext_lazy("notification kind", "Order confirmed"),
        gettext_lazy("Order %(reference)s was confirmed"),
    ),
    (
        OrderStatus.REJECTED,
        pgettext_lazy("notification kind", "Order rejected"),
        gettext_lazy("Order %(reference)s was rejected"),
    ),
    (
        OrderStatus.SCHEDULED,
        pgettext_lazy("notification kind", "Production scheduled"),
        gettext_lazy("Order %(reference)s is scheduled for production"),
    ),
    (
        OrderStatus.BUILT,
        pgettext_lazy("notification kind", "Vehicle built"),
        gettext_lazy("The vehicle of order %(reference)s has been built"),
    ),
    (
        OrderStatus.SHIPPED,
        pgettext_lazy("notification kind", "Vehicle shipped"),
        gettext_lazy("The vehicle of order %(reference)s has been shipped"),
    ),
    (
        OrderStatus.ARRIVED,
        pgettext_lazy("notification kind", "Arrived in Japan"),
        gettext_lazy("The vehicle of order %(reference)s has arrived in Japan"),
    ),
    (
        OrderStatus.CLEARED,
        pgettext_lazy("notification kind", "Cleared customs"),
        gettext_lazy("The vehicle of order %(reference)s has cleared customs"),
    ),
    (
        OrderStatus.READY,
        pgettext_lazy("notification kind", "Ready for delivery"),
        gettext_lazy("The vehicle of order %(reference)s is ready for delivery"),
    ),
    (
        OrderStatus.DELIVERED,
        pgettext_lazy("notification kind", "Delivered"),
        gettext_lazy("The vehicle of order %(reference)s has been delivered"),
    ),
    (
        OrderStatus.CANCELLED,
        pgettext_lazy("notification kind", "Order cancelled"),
        gettext_lazy("Order %(reference)s was cancelled"),
    ),
)


def _moved_back_title(params: Mapping[str, Any]) -> str:
    to_status = params.get("to_status", "")
    status = OrderStatus(to_status).label if to_status in OrderStatus.values else to_status
    return _("Order %(reference)s is back at %(status)s: the logistics partner retracted a milestone") % {
        "reference": params.get("reference", ""),
        "status": status,
    }


def kinds_register() -> None:
    """Register the order kinds with core (ImportOrdersConfig.ready)."""
    for index, (status, label, title) in enumerate(DEALER_KINDS):
        kinds.register(
            kinds.NotificationKind(
                key=f"order.{status}",
                label=label,
                audience="dealer",
                title=_title(title),
                body=_body,
                email_default=status in EMAIL_BY_DEFAULT,
                order=100 + index,
            )
        )
    # A step back (unship, unarrive, unclear, unrelease: docs/decisions/0005). By e-mail: the dealer
    # may have told a customer of the milestone that did not happen.
    kinds.register(
        kinds.NotificationKind(
            key=MOVED_BACK,
            label=pgettext_lazy("notification kind", "Milestone retracted"),
            audience="dealer",
            title=_moved_back_title,
            body=_body,
            email_default=True,
            order=100 + len(DEALER_KINDS),
        )
    )
    kinds.register(
        kinds.NotificationKind(
            key="queue.submitted",
            label=pgettext_lazy("notification kind", "New order to confirm"),
            audience="operations",
            title=_title(gettext_lazy("New order to confirm: %(reference)s from %(dealer)s")),
            body=_queue_body,
            order=10,
        )
    )
    kinds.register(
        kinds.NotificationKind(
            key="queue.cancelled",
            label=pgettext_lazy("notification kind", "Order withdrawn before confirmation"),
            audience="operations",
            title=_title(
                gettext_lazy("Order %(reference)s from %(dealer)s was cancelled before confirmation")
            ),
            body=_queue_body,
            order=11,
        )
    )


def order_link(reference: str) -> str:
    """The order's page in the portal (a path)."""
    try:
        return reverse("orders:detail", kwargs={"reference": reference})
    except NoReverseMatch:  # the order pages are not routed yet: the path they take
        return f"/orders/{reference}/"


def order_move_recipients(*, order: Order, event: OrderEvent) -> list[Recipient]:
    """Who hears of this move of the order, and under which kind (see the module docstring)."""
    user_model = get_user_model()
    dealer_kind = move_event_name(event.from_status, event.to_status)
    found: dict[int, Recipient] = {}
    members = DealerMembership.objects.filter(
        dealer_id=order.dealer_id, active=True, dealer__active=True, user__is_active=True
    ).values_list("user_id", flat=True)
    for user_id in members:
        found[user_id] = Recipient(user_id=user_id, kind=dealer_kind)
    queue_kind = QUEUE_KINDS.get((event.from_status, event.to_status))
    if queue_kind:
        operations = user_model.objects.filter(is_active=True, is_staff=True, groups__name=OPERATIONS)
        for user_id in operations.values_list("pk", flat=True):
            found.setdefault(user_id, Recipient(user_id=user_id, kind=queue_kind))
    # Watchers who may still see the order: its dealer's active people, or the back office.
    may_see = Q(
        user__dealer_membership__dealer_id=order.dealer_id,
        user__dealer_membership__active=True,
        user__dealer_membership__dealer__active=True,
    ) | (Q(user__is_staff=True) & (Q(user__is_superuser=True) | Q(user__groups__name__in=BACK_OFFICE_GROUPS)))
    watchers = (
        OrderWatch.objects.filter(order=order, user__is_active=True)
        .filter(may_see)
        .values_list("user_id", flat=True)
    )
    for user_id in set(watchers):
        kind = found[user_id].kind if user_id in found else dealer_kind
        found[user_id] = Recipient(user_id=user_id, kind=kind, forced=True)
    if event.actor_kind == "user" and event.actor_user_id is not None:
        found.pop(event.actor_user_id, None)
    return [found[user_id] for user_id in sorted(found)]


def order_move_params(order: Order, event: OrderEvent) -> dict[str, Any]:
    """What the notification's text needs, kept with it (the text is rendered when read)."""
    params: dict[str, Any] = {
        "reference": order.reference,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "dealer_code": order.dealer.code,
        "dealer_name_ja": order.dealer.name_ja,
        "dealer_name_en": order.dealer.name_en,
    }
    if order.customer_reference:
        params["customer_reference"] = order.customer_reference
    if event.reason:
        params["reason"] = event.reason
    if event.to_status == OrderStatus.SCHEDULED and order.production_week:
        params["production_week"] = order.production_week.isoformat()
    return params


def order_move_notify(*, order_id: int, move: str, actor: Actor) -> list[Notification]:
    """Notify everyone who should hear of the order's `move` (safe to run again: nobody twice)."""
    target = MOVES[move].target
    event = (
        OrderEvent.objects.select_related("order__dealer")
        .filter(
            order_id=order_id,
            kind=OrderEvent.Kind.MOVED,
            to_status=target,
            # A step back to built is not the build, nor the build a step back.
            from_status__in=MOVES[move].sources,
        )
        .order_by("-at", "-id")
        .first()
    )
    if event is None:
        logger.warning("order %s has no %s event to notify of", order_id, move)
        return []
    order = event.order
    return notifications_deliver(
        actor=actor,
        event_key=f"order-event:{event.pk}",
        subject_ref=order.reference,
        link=order_link(order.reference),
        params=order_move_params(order, event),
        recipients=order_move_recipients(order=order, event=event),
    )


def order_moved_listener(order: Order, move: Move, actor: Actor) -> None:
    """After a committed move: queue one notification task, by ids (services.orders.on_order_moved).

    Robust: a broker that cannot be reached is logged, and never turns the committed move into an
    error for its caller.
    """
    from importorders.tasks import order_moved_notify

    order_id, name = order.pk, move.name
    transaction.on_commit(lambda: order_moved_notify.delay(order_id, name), robust=True)
