"""Reads of notifications, always the caller's own."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from core.callers import Caller
from core.notifications import kinds
from core.notifications.models import Notification, NotificationPreference
from core.notifications.services import channels
from core.scoping import get_scoped_or_404, scoped, selector


@selector
def notification_list(*, caller: Caller, unread: bool = False) -> QuerySet[Notification]:
    """The caller's notifications shown in the portal, newest first (only unread ones if asked)."""
    queryset = scoped(Notification, caller).filter(in_app=True)
    if unread:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset.order_by("-created_at", "-id")


def notification_get(*, caller: Caller, pk) -> Notification:
    """One of the caller's notifications; anyone else's (or none) is NotFound."""
    return get_scoped_or_404(notification_list(caller=caller), caller, pk=pk)


def unread_count(*, caller: Caller) -> int:
    """How many of the caller's notifications are unread (one indexed count; 0 for keys)."""
    if caller.kind != "user":
        return 0
    return notification_list(caller=caller, unread=True).count()


@dataclass(frozen=True)
class PreferenceRow:
    kind: kinds.NotificationKind
    in_app: bool
    email: bool


def preferences_for(*, caller: Caller) -> list[PreferenceRow]:
    """Each kind the caller may receive, with their choice (or the kind's default)."""
    available = kinds.kinds_for(caller)
    if not available:
        return []
    stored = {
        p.kind: p for p in scoped(NotificationPreference, caller).filter(kind__in=[k.key for k in available])
    }
    rows = []
    for kind in available:
        in_app, email = channels(kind.key, stored.get(kind.key), forced=False)
        rows.append(PreferenceRow(kind=kind, in_app=in_app, email=email))
    return rows
