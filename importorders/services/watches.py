"""Watching an order (every event of it reaches the watcher, in the portal and by e-mail)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.actors import Actor
from core.errors import PermissionDenied
from importorders.models import Order, OrderWatch

PEOPLE_ONLY = _("Only people watch orders: an API key has no notifications.")


def _person(actor: Actor):
    if actor.kind != "user" or actor.user is None:
        raise PermissionDenied(PEOPLE_ONLY)
    return actor.user


def order_watch(*, order: Order, actor: Actor) -> OrderWatch:
    """The actor watches the order (which the view loaded scoped to them); a repeat is a no-op."""
    user = _person(actor)
    # get_or_create inserts in its own savepoint and reads again if a concurrent insert won.
    watch, _created = OrderWatch.objects.get_or_create(order=order, user=user)
    return watch


def order_unwatch(*, order: Order, actor: Actor) -> bool:
    """The actor stops watching the order; returns whether they were watching it."""
    user = _person(actor)
    deleted, _rows = OrderWatch.objects.filter(order=order, user=user).delete()
    return bool(deleted)
