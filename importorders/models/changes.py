"""Change requests: after confirmation, a dealer asks for another colour or port-installed options.

A request names the build it would give (colour and chosen options) beside the build it replaces,
with both prices: the order's price when it was asked (`price_before_*`, as the order keeps it)
and the new build's quote (`price_after_*`, re-priced again when it is approved). Operations approve
or refuse it (a refusal needs a reason); the dealer may withdraw it while it is pending. At most one
request per order is pending at a time (a partial unique constraint, the last line behind the
services in importorders.services.changes).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.actors import Actor, ActorKindChoice
from core.callers import Caller
from core.models import TimeStampedModel
from core.scoping import ScopedQuerySet


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")
    WITHDRAWN = "withdrawn", _("withdrawn")


class ChangeRequestQuerySet(ScopedQuerySet):
    """Change requests a caller may see: whoever sees the order (the back office all, a dealer its own)."""

    def restrict(self, caller: Caller) -> ChangeRequestQuerySet:
        if caller.is_back_office:
            return self
        if caller.is_dealer:
            return self.filter(order__dealer_id=caller.dealer_id)
        return self.none()


class ChangeRequest(TimeStampedModel):
    """A dealer's request to change a confirmed order's colour or port-installed options."""

    Status = ChangeRequestStatus

    order = models.ForeignKey(
        "importorders.Order",
        on_delete=models.CASCADE,
        related_name="change_requests",
        verbose_name=_("order"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ChangeRequestStatus.choices, default=ChangeRequestStatus.PENDING
    )
    # The build before and the build asked for (the trim is locked: it is the order's).
    color_before = models.ForeignKey(
        "catalog.Color", on_delete=models.PROTECT, related_name="+", verbose_name=_("colour before")
    )
    color_after = models.ForeignKey(
        "catalog.Color", on_delete=models.PROTECT, related_name="+", verbose_name=_("colour asked for")
    )
    option_codes_before = models.JSONField(_("options before"), default=list, blank=True)
    option_codes_after = models.JSONField(_("options asked for"), default=list, blank=True)
    reason = models.TextField(_("reason"), max_length=2000)
    # The prices: before as the order kept it when asked; after, the new build's quote (priced on
    # `priced_on`: when asked, and again when approved).
    price_before_total_jpy = models.DecimalField(
        _("total before (JPY)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    price_before_lines = models.JSONField(_("price lines before"), default=list, blank=True)
    price_after_total_jpy = models.DecimalField(_("total after (JPY)"), max_digits=12, decimal_places=0)
    price_after_lines = models.JSONField(_("price lines after"), default=list, blank=True)
    priced_on = models.DateField(_("priced on"))
    decision_reason = models.TextField(_("reason for the decision"), max_length=2000, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # Who asked and who decided: core.actors.ActorColumns twice (a request has two actors).
    requested_by_kind = models.CharField(_("asked by (kind)"), max_length=20, choices=ActorKindChoice.choices)
    requested_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asked by (user)"),
    )
    requested_by_ref = models.CharField(_("asked by"), max_length=150)
    requested_by_label = models.CharField(_("asked by (name)"), max_length=300)
    decided_by_kind = models.CharField(
        _("decided by (kind)"), max_length=20, choices=ActorKindChoice.choices, blank=True
    )
    decided_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by (user)"),
    )
    decided_by_ref = models.CharField(_("decided by"), max_length=150, blank=True)
    decided_by_label = models.CharField(_("decided by (name)"), max_length=300, blank=True)

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ("-created_at", "-id")
        indexes = [
            # The back office's queue: pending first in, first out.
            models.Index(fields=("status", "created_at", "id"), name="changerequest_queue"),
            # An order's requests, newest first (the order's list and the dealer's form).
            models.Index(fields=("order", "-created_at", "-id"), name="changerequest_order_newest"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=("order",),
                condition=Q(status=ChangeRequestStatus.PENDING),
                name="changerequest_one_pending_per_order",
            ),
            models.CheckConstraint(
                condition=~Q(status=ChangeRequestStatus.REFUSED) | ~Q(decision_reason=""),
                name="changerequest_refusal_has_reason",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="changerequest_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}#{self.pk} {self.status}"

    @property
    def color_changes(self) -> bool:
        return self.color_before_id != self.color_after_id

    @property
    def options_added(self) -> list[str]:
        return [code for code in self.option_codes_after if code not in self.option_codes_before]

    @property
    def options_removed(self) -> list[str]:
        return [code for code in self.option_codes_before if code not in self.option_codes_after]

    @property
    def price_difference_jpy(self):
        if self.price_before_total_jpy is None:
            return None
        return self.price_after_total_jpy - self.price_before_total_jpy

    @property
    def price_difference_abs_jpy(self):
        difference = self.price_difference_jpy
        return None if difference is None else abs(difference)

    def requested_by_fill(self, actor: Actor) -> None:
        self._actor_fill("requested_by", actor)

    def decided_by_fill(self, actor: Actor) -> None:
        self._actor_fill("decided_by", actor)

    def _actor_fill(self, prefix: str, actor: Actor) -> None:
        setattr(self, f"{prefix}_kind", actor.kind)
        setattr(self, f"{prefix}_user", actor.user)
        setattr(self, f"{prefix}_ref", actor.ref)
        setattr(self, f"{prefix}_label", actor.label[:300])
