"""What a dealer is told of a shipment exception (damage, customs hold, gone quiet, slipping): once,
when the exception is raised, never again for the same open fact (services.events, the sweeps)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.actors import Actor
from core.notifications import kinds
from core.notifications.models import Notification
from core.notifications.services import Recipient, notifications_deliver
from importorders.models import DealerMembership, ExceptionKind, VehicleException

KIND = "shipment.exception"

_TITLES = {
    ExceptionKind.DAMAGE: gettext_lazy("Damage reported on %(vin)s (order %(reference)s)"),
    ExceptionKind.CUSTOMS_HOLD: gettext_lazy("%(vin)s is held at customs (order %(reference)s)"),
    ExceptionKind.STALE: gettext_lazy("No news of %(vin)s for a while (order %(reference)s)"),
    ExceptionKind.SLIPPING: gettext_lazy("%(vin)s will reach you later than promised (order %(reference)s)"),
}


def _title(params: Mapping[str, Any]) -> str:
    template = _TITLES.get(params.get("kind"), _TITLES[ExceptionKind.DAMAGE])
    return str(template) % {"vin": params.get("vin", ""), "reference": params.get("reference", "")}


def _body(params: Mapping[str, Any]) -> str:
    return _("Note: %(note)s") % {"note": params["note"]} if params.get("note") else ""


def kinds_register() -> None:
    """Register the shipment exception kind with core (ImportOrdersConfig.ready)."""
    kinds.register(
        kinds.NotificationKind(
            key=KIND,
            label=pgettext_lazy("notification kind", "Shipment exception"),
            audience="dealer",
            title=_title,
            body=_body,
            email_default=True,
            order=200,
        )
    )


def exception_notify(*, exception_id: int, actor: Actor) -> list[Notification]:
    """Tell the vehicle's dealer of the exception (safe to run again: nobody twice)."""
    exception = (
        VehicleException.objects.select_related("vehicle__order__dealer").filter(pk=exception_id).first()
    )
    if exception is None or exception.vehicle.order is None:
        return []
    order = exception.vehicle.order
    members = DealerMembership.objects.filter(
        dealer_id=order.dealer_id, active=True, dealer__active=True, user__is_active=True
    ).values_list("user_id", flat=True)
    return notifications_deliver(
        actor=actor,
        event_key=f"vehicle-exception:{exception.pk}",
        subject_ref=order.reference,
        link=f"/orders/{order.reference}/",
        params={
            "kind": exception.kind,
            "vin": exception.vehicle.vin,
            "reference": order.reference,
            "note": exception.note[:500],
        },
        recipients=[Recipient(user_id=user_id, kind=KIND) for user_id in sorted(set(members))],
    )
