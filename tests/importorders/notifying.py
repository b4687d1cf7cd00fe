"""Helpers for the notification tests: the callers' world with orders, languages, and readers."""

from __future__ import annotations

from django.core import mail

from core.models import UserLanguage
from core.notifications.models import Notification
from importorders.identity import caller_for_user

# The people of tests.permissions.World who may hear of TKY001's orders, and the others.
PEOPLE = ("dealer_sales", "dealer_manager", "other_dealer", "operations", "compliance", "admin")


def speak(world, *, english: tuple[str, ...] = ("dealer_manager",)) -> None:
    """Store English for the named people; everyone else keeps the default (Japanese, no row)."""
    for name in english:
        UserLanguage.objects.update_or_create(user=world.users[name], defaults={"language": "en"})


def received(world) -> dict[str, list[tuple[str, bool, bool]]]:
    """Per person of the world: their notifications as (kind, in_app, email), oldest first."""
    by_user = {world.users[name].pk: name for name in PEOPLE}
    found: dict[str, list] = {name: [] for name in PEOPLE}
    for row in Notification.objects.order_by("created_at", "id"):
        found[by_user[row.recipient_id]].append((row.kind, row.in_app, row.email))
    return {name: rows for name, rows in found.items() if rows}


def mails(world) -> dict[str, list[str]]:
    """Per person of the world: the subjects of the e-mails sent to them."""
    by_address = {world.users[name].email: name for name in PEOPLE}
    found: dict[str, list[str]] = {}
    for message in mail.outbox:
        for address in message.to:
            found.setdefault(by_address[address], []).append(message.subject)
    return found


def caller(world, name: str):
    return caller_for_user(world.users[name])
