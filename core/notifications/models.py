"""Notification rows and per-person preferences (see core.notifications)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.callers import Caller
from core.models import ClockDateTimeField
from core.notifications import kinds
from core.scoping import ScopedQuerySet


class NotificationQuerySet(ScopedQuerySet):
    """A person's notifications are their own: nobody else sees them, keys have none."""

    def restrict(self, caller: Caller) -> NotificationQuerySet:
        if caller.kind == "user":
            return self.filter(recipient_id=caller.user.pk)
        return self.none()


class Notification(models.Model):
    """One thing a person hears of: one event for one recipient, shown in the portal and/or e-mailed.

    The text is not stored: `kind` and `params` render it in the reader's language.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=60)
    # What happened, once: the same event never notifies the same person twice (a retried task).
    event_key = models.CharField(_("event"), max_length=80)
    subject_ref = models.CharField(_("subject"), max_length=60, help_text=_("e.g. the order's reference"))
    link = models.CharField(_("link"), max_length=300, help_text=_("The subject's page in the portal."))
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # The channels this notification goes out on (by the recipient's preferences, or a watch).
    in_app = models.BooleanField(_("in the portal"), default=True)
    email = models.BooleanField(_("by e-mail"), default=False)
    created_at = ClockDateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=("event_key", "recipient"), name="notification_once_per_event"),
        ]
        indexes = [
            # "My notifications, newest first" and "my unread, newest first" (the header's count).
            models.Index(
                fields=("recipient", "-created_at", "-id"), condition=Q(in_app=True), name="notification_mine"
            ),
            models.Index(
                fields=("recipient", "-created_at", "-id"),
                condition=Q(in_app=True, read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.kind} {self.subject_ref}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def title(self) -> str:
        """The one-line text, in the active language."""
        kind = kinds.get(self.kind)
        return kind.title(self.params) if kind else self.kind

    def body(self) -> str:
        """The longer text (may be empty), in the active language."""
        kind = kinds.get(self.kind)
        return kind.body(self.params) if kind else ""


class NotificationPreferenceQuerySet(ScopedQuerySet):
    """A person's choices are their own."""

    def restrict(self, caller: Caller) -> NotificationPreferenceQuerySet:
        if caller.kind == "user":
            return self.filter(user_id=caller.user.pk)
        return self.none()


class NotificationPreference(models.Model):
    """A person's choice for one kind: in the portal, by e-mail. No row: the kind's defaults."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=60)
    in_app = models.BooleanField(_("in the portal"))
    email = models.BooleanField(_("by e-mail"))
    updated_at = ClockDateTimeField(_("updated at"), auto_now=True)

    objects = NotificationPreferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=("user", "kind"), name="notification_preference_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: in_app={self.in_app} email={self.email}"
