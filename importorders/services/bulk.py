"""The back office's bulk moves: several orders confirmed, or scheduled for one week, all or nothing.

A bulk move is previewed first; the preview shows each order as it stands and carries a fingerprint
of them (`orders_fingerprint`). Applying locks every chosen order (in primary-key order, the one
lock order), refuses with 409 if any changed since the preview, then makes each move through its
own service in the same transaction: one refusal rolls every move back, and the side effects of
the moves run only once the whole transaction commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from core.actors import Actor
from core.errors import ApplicationError, Conflict
from core.locks import lock_rows
from importorders.models import Order
from importorders.services.orders import order_confirm, order_schedule


def orders_fingerprint(orders: Sequence[Order]) -> str:
    """A short digest of what a preview showed: each order's reference, status and last change."""
    parts = sorted(f"{o.reference}|{o.status}|{o.updated_at.isoformat()}" for o in orders)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _apply_all(*, orders: Sequence[Order], fingerprint: str, move: Callable[[Order], Order]) -> list[Order]:
    with transaction.atomic():
        locked = lock_rows(Order.objects.filter(pk__in=[order.pk for order in orders]))
        if len(locked) != len(orders) or orders_fingerprint(locked) != fingerprint:
            raise Conflict(
                _("These orders changed since the preview: nothing was changed. Look at the preview again."),
                code="changed_since_preview",
            )
        moved = []
        for order in locked:
            try:
                moved.append(move(order))
            except ApplicationError as error:
                # The transaction rolls back every move made so far: say which order refused.
                raise Conflict(
                    _("Order %(reference)s: %(message)s Nothing was changed.")
                    % {"reference": order.reference, "message": error.message},
                    code=error.code,
                    fields=error.fields,
                    details=[{"reference": order.reference, "code": error.code}],
                ) from error
    return moved


def orders_confirm_all(*, orders: Sequence[Order], actor: Actor, fingerprint: str) -> list[Order]:
    """Confirm every order of a preview (each reserves its quota and locks today's FX), or none."""
    return _apply_all(
        orders=orders, fingerprint=fingerprint, move=lambda order: order_confirm(order=order, actor=actor)
    )


def orders_schedule_all(
    *, orders: Sequence[Order], actor: Actor, week: dt.date, fingerprint: str
) -> list[Order]:
    """Schedule every order of a preview for the production week `week`, or none."""
    return _apply_all(
        orders=orders,
        fingerprint=fingerprint,
        move=lambda order: order_schedule(order=order, actor=actor, week=week),
    )
