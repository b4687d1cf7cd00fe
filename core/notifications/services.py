"""Writes of notifications: delivery (rows and e-mails), marking read, a person's choices.

Delivery is safe to run twice: one row per event and recipient (a unique constraint), and an e-mail
is sent only for a row not yet marked e-mailed, under that row's lock. A crash between the SMTP
server accepting a message and the mark being written can send that one message again on a retry:
at least once, never silently lost.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core import clock
from core.actors import Actor
from core.errors import ValidationFailed
from core.locks import lock_one
from core.models import UserLanguage
from core.notifications import kinds
from core.notifications.models import Notification, NotificationPreference

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recipient:
    """Who hears of an event, under which kind; `forced` (a watch) means every channel, whatever
    the person's preferences."""

    user_id: int
    kind: str
    forced: bool = False


def channels(kind_key: str, preference: NotificationPreference | None, *, forced: bool) -> tuple[bool, bool]:
    """(in the portal, by e-mail) for one recipient of one kind."""
    if forced:
        return True, True
    if preference is not None:
        return preference.in_app, preference.email
    kind = kinds.get(kind_key)
    if kind is None:
        raise ValueError(f"unknown notification kind: {kind_key}")
    return kind.in_app_default, kind.email_default


def language_of(user_id: int, stored: Mapping[int, str]) -> str:
    """The recipient's stored language, else the site's default (Japanese)."""
    return stored.get(user_id) or settings.LANGUAGE_CODE


def notifications_deliver(
    *,
    actor: Actor,
    event_key: str,
    subject_ref: str,
    link: str,
    params: Mapping[str, Any],
    recipients: Iterable[Recipient],
) -> list[Notification]:
    """Write one notification per recipient by their preferences, then e-mail those who want it.

    A recipient who wants neither channel gets no row. Run again for the same `event_key`, it
    writes nothing new and e-mails only those not e-mailed yet. Returns the rows written now.
    """
    recipients = list(recipients)
    if not recipients:
        return []
    preferences = {
        (p.user_id, p.kind): p
        for p in NotificationPreference.objects.filter(
            user_id__in={r.user_id for r in recipients}, kind__in={r.kind for r in recipients}
        )
    }
    rows = []
    for recipient in recipients:
        in_app, email = channels(
            recipient.kind, preferences.get((recipient.user_id, recipient.kind)), forced=recipient.forced
        )
        if not (in_app or email):
            continue
        rows.append(
            Notification(
                recipient_id=recipient.user_id,
                kind=recipient.kind,
                event_key=event_key,
                subject_ref=subject_ref,
                link=link,
                params=dict(params),
                in_app=in_app,
                email=email,
                created_at=clock.now(),
            )
        )
    existing = set(
        Notification.objects.filter(
            event_key=event_key, recipient_id__in=[row.recipient_id for row in rows]
        ).values_list("recipient_id", flat=True)
    )
    fresh = [row for row in rows if row.recipient_id not in existing]
    # A concurrent run may still insert the same pair between the read and here: the constraint
    # holds, and its row is skipped.
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    logger.info("notifications %s: %d written, %d already there", event_key, len(fresh), len(existing))
    notifications_email_pending(actor=actor, event_key=event_key)
    return fresh


def _absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def email_render(notification: Notification, language: str) -> tuple[str, str]:
    """The e-mail's subject and text for this notification, in `language`."""
    with translation.override(language):
        title = notification.title()
        lines = [title, ""]
        body = notification.body()
        if body:
            lines += [body, ""]
        lines += [
            _("Open it in the portal: %(url)s") % {"url": _absolute(notification.link)},
            "",
            "-- ",
            _("importorders. Choose which e-mails you receive: %(url)s")
            % {"url": _absolute(reverse("notifications:preferences"))},
        ]
        subject = _("[importorders] %(title)s") % {"title": title}
    return subject, "\n".join(lines) + "\n"


def notifications_email_pending(*, actor: Actor, event_key: str) -> int:
    """E-mail every notification of the event that should go by e-mail and has not; returns how many."""
    pending = list(
        Notification.objects.filter(event_key=event_key, email=True, emailed_at__isnull=True)
        .exclude(recipient__email="")
        .values_list("pk", "recipient_id", flat=False)
    )
    if not pending:
        return 0
    stored = dict(
        UserLanguage.objects.filter(user_id__in=[user_id for _pk, user_id in pending]).values_list(
            "user_id", "language"
        )
    )
    sent = 0
    with get_connection() as connection:
        for pk, user_id in pending:
            with transaction.atomic():
                # Under the row's lock: a concurrent run of the same task waits here, then skips it.
                row = lock_one(Notification.objects.select_related("recipient"), pk)
                if row.emailed_at is not None:
                    continue
                subject, text = email_render(row, language_of(user_id, stored))
                EmailMessage(subject, text, to=[row.recipient.email], connection=connection).send()
                Notification.objects.filter(pk=pk).update(emailed_at=clock.now())
                sent += 1
    logger.info("notifications %s: %d e-mailed by %s", event_key, sent, actor)
    return sent


def notification_mark_read(*, notification: Notification, actor: Actor) -> Notification:
    """Mark one of the actor's notifications read (already read: unchanged)."""
    if notification.read_at is None:
        now = clock.now()
        updated = Notification.objects.filter(
            pk=notification.pk, recipient_id=actor.user_id, read_at__isnull=True
        ).update(read_at=now)
        if updated:
            notification.read_at = now
        else:
            notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor: Actor) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    return Notification.objects.filter(recipient_id=actor.user_id, in_app=True, read_at__isnull=True).update(
        read_at=clock.now()
    )


def notification_preferences_set(
    *, actor: Actor, allowed: Iterable[str], choices: Mapping[str, tuple[bool, bool]]
) -> None:
    """Store the actor's choice (in the portal, by e-mail) for each kind in `choices`.

    Only kinds in `allowed` (those the person may receive) may be set: anything else is a 400
    naming it. Kinds not named keep their current choice.
    """
    allowed = set(allowed)
    unknown = sorted(set(choices) - allowed)
    if unknown:
        raise ValidationFailed(
            fields={
                "preferences": [_("Unknown kind of notification: %(kind)s.") % {"kind": k} for k in unknown]
            }
        )
    with transaction.atomic():
        for kind, (in_app, email) in sorted(choices.items()):
            NotificationPreference.objects.update_or_create(
                user_id=actor.user_id, kind=kind, defaults={"in_app": in_app, "email": email}
            )


def language_store(*, actor: Actor, language: str) -> None:
    """Remember the language a person chose (the portal's switch); their e-mails follow it."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationFailed(fields={"language": [_("Choose Japanese or English.")]})
    UserLanguage.objects.update_or_create(user_id=actor.user_id, defaults={"language": language})
