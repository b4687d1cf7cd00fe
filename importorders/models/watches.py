"""Watching an order: a person hears of every change of one order, whatever their preferences."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.callers import Caller
from core.models import ClockDateTimeField
from core.scoping import ScopedQuerySet


class OrderWatchQuerySet(ScopedQuerySet):
    """A person's watches are their own, and only of orders they may see; keys watch nothing."""

    def restrict(self, caller: Caller) -> OrderWatchQuerySet:
        if caller.kind != "user":
            return self.none()
        mine = self.filter(user_id=caller.user.pk)
        if caller.is_back_office:
            return mine
        if caller.is_dealer:
            return mine.filter(order__dealer_id=caller.dealer_id)
        return self.none()


class OrderWatch(models.Model):
    """A person watching one order: every event of it, in the portal and by e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="order_watches",
        verbose_name=_("user"),
    )
    order = models.ForeignKey(
        "importorders.Order", on_delete=models.CASCADE, related_name="watches", verbose_name=_("order")
    )
    created_at = ClockDateTimeField(_("created at"), auto_now_add=True)

    objects = OrderWatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("watched order")
        verbose_name_plural = _("watched orders")
        # (order, user): the watchers of an order (each move) and "does this person watch it".
        constraints = [models.UniqueConstraint(fields=("order", "user"), name="order_watch_once")]
        indexes = [models.Index(fields=("user", "-created_at"), name="order_watch_user")]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.order_id}"
