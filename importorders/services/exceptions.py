"""Exceptions on vehicles: raise (idempotent per open fact), resolve with a reason; the release gate.

`exception_raise` is what inspections, partner events and the beat sweeps call; it returns the
open exception and whether this call created it, so the caller (or the listeners below) tells people
once. `exception_resolve` is the back office's: it needs a reason, records who resolved it, and on
commit tries to release the order when nothing else holds it (importorders.gates).
Each also writes an event on the vehicle's order, so the order's timeline shows it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import clock
from core.actors import Actor
from core.errors import Conflict, ValidationFailed
from importorders.gates import GateProblem
from importorders.locks import exception_lock, order_lock
from importorders.models import (
    ExceptionKind,
    ExceptionResolution,
    ExceptionStatus,
    OrderEvent,
    Vehicle,
    VehicleException,
)
from importorders.models.exceptions import BLOCKING_KINDS
from importorders.order_cache import order_rows_changed

# Listeners called on commit: (exception, actor). Notifications register here, once, in ready().
_raised_listeners: list[Callable[[VehicleException, Actor], None]] = []
_resolved_listeners: list[Callable[[VehicleException, Actor], None]] = []


def on_exception_raised(listener: Callable[[VehicleException, Actor], None]) -> None:
    """Call `listener(exception, actor)` after a new exception's transaction commits."""
    _raised_listeners.append(listener)


def on_exception_resolved(listener: Callable[[VehicleException, Actor], None]) -> None:
    """Call `listener(exception, actor)` after a resolution commits."""
    _resolved_listeners.append(listener)


def _order_event(exception: VehicleException, actor: Actor, kind: str, reason: str = "") -> None:
    order_id = exception.vehicle.order_id
    if order_id is None:
        return
    event = OrderEvent(
        order_id=order_id,
        kind=kind,
        reason=reason,
        changes={
            "exception": exception.pk,
            "kind": exception.kind,
            "status": exception.status,
            "resolution": exception.resolution,
            "blocks_release": exception.blocks_release,
        },
    )
    event.actor_fill(actor)
    event.save()
    order_rows_changed(exception.vehicle.order.dealer_id)


def exception_raise(
    *,
    vehicle: Vehicle,
    kind: str,
    actor: Actor,
    key: str = "",
    source: str = "",
    note: str = "",
    details: dict | None = None,
    blocks_release: bool | None = None,
) -> tuple[VehicleException, bool]:
    """The open exception of (vehicle, kind, key), raised now unless one is open already.

    Returns (exception, created). A repeat of an open fact changes nothing and queues nothing.
    `blocks_release` defaults by kind (damage and customs holds block).
    """
    if kind not in ExceptionKind.values:
        raise ValueError(f"not an exception kind: {kind!r}")
    blocks = (kind in BLOCKING_KINDS) if blocks_release is None else blocks_release
    existing = VehicleException.objects.open().filter(vehicle=vehicle, kind=kind, key=key).first()
    if existing is not None:
        return existing, False
    with transaction.atomic():
        # The vehicle's order (when it has one) is locked first, in the app's lock order, so a
        # release cannot pass its gate while this exception is being written.
        if vehicle.order_id is not None:
            order_lock(vehicle.order_id)
        exception = VehicleException(
            vehicle=vehicle,
            kind=kind,
            key=key[:200],
            source=source[:200],
            note=note[:4000],
            details=details or {},
            blocks_release=blocks,
        )
        exception.actor_fill(actor)
        try:
            with transaction.atomic():
                exception.save()
        except IntegrityError:
            # Raised by a concurrent call between the check and the insert: that one is the fact.
            return VehicleException.objects.open().get(vehicle=vehicle, kind=kind, key=key), False
        _order_event(exception, actor, OrderEvent.Kind.EXCEPTION_RAISED, reason=note[:2000])
        transaction.on_commit(lambda: [listener(exception, actor) for listener in _raised_listeners])
    return exception, True


def exception_resolve(
    *, exception: VehicleException, actor: Actor, resolution: str, reason: str
) -> VehicleException:
    """Resolve an open exception (repaired, accepted, claimed, released, dismissed) with a reason.

    A repeat with the same resolution returns it unchanged; another resolution of a resolved one is
    409. After the commit, a cleared order that nothing else holds is released.
    """
    if resolution not in ExceptionResolution.values:
        raise ValidationFailed(fields={"resolution": [_("Choose how the exception was resolved.")]})
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("Give a reason.")]})
    with transaction.atomic():
        if exception.vehicle.order_id is not None:
            order_lock(exception.vehicle.order_id)
        locked = exception_lock(exception.pk)
        if locked.status == ExceptionStatus.RESOLVED:
            if locked.resolution == resolution:
                return locked
            raise Conflict(
                _("This exception was already resolved (%(resolution)s).")
                % {"resolution": locked.get_resolution_display()},
                code="already_resolved",
            )
        locked.status = ExceptionStatus.RESOLVED
        locked.resolution = resolution
        locked.resolution_reason = reason.strip()
        locked.resolved_at = clock.now()
        locked.resolver_kind = actor.kind
        locked.resolver_user = actor.user
        locked.resolver_ref = actor.ref
        locked.resolver_label = actor.label[:300]
        locked.save()
        _order_event(locked, actor, OrderEvent.Kind.EXCEPTION_RESOLVED, reason=locked.resolution_reason)
        transaction.on_commit(lambda: [listener(locked, actor) for listener in _resolved_listeners])
        order_id = locked.vehicle.order_id
        if order_id is not None:
            transaction.on_commit(lambda: _release_after_resolution(order_id))
    return locked


def _release_after_resolution(order_id: int) -> None:
    from importorders.models import Order
    from importorders.services.orders import order_release_attempt

    order_release_attempt(order=Order(pk=order_id), actor=Actor.system("exception-resolved"))


def open_exceptions_gate(order) -> list[GateProblem]:
    """importorders' own release gate: no open blocking exception on the order's vehicle."""
    rows = VehicleException.objects.open().filter(vehicle__order_id=order.pk, blocks_release=True)
    return [
        GateProblem(
            gate="exceptions",
            code=f"{row.kind}_open",
            message=_("Open exception: %(kind)s.") % {"kind": row.get_kind_display()},
            next_actor="operations",
        )
        for row in rows.order_by("created_at", "id")
    ]
