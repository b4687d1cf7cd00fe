"""The registry of notification kinds: what each says, to which audience, and its default channels.

An app registers its kinds in `AppConfig.ready()`. A notification stores only its kind and the
parameters to render it; the text is rendered when it is read, in the reader's language (the
portal's, the API caller's, or the recipient's stored language for e-mail), so a row written in
one language reads right in the other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from core.callers import Caller
from core.roles import OPERATIONS

Audience = Literal["dealer", "operations"]


@dataclass(frozen=True)
class NotificationKind:
    """One kind of notification: its key, its label on the preferences page, and how it reads."""

    key: str
    label: Any  # a lazily translated string
    audience: Audience
    # Render in the active language: the one-line title and the longer text (may be empty).
    title: Callable[[Mapping[str, Any]], str]
    body: Callable[[Mapping[str, Any]], str]
    in_app_default: bool = True
    email_default: bool = False
    order: int = 100


_kinds: dict[str, NotificationKind] = {}


def register(kind: NotificationKind) -> None:
    """Add a kind (an app's ready() does); registering the same key again replaces it."""
    _kinds[kind.key] = kind


def get(key: str) -> NotificationKind | None:
    return _kinds.get(key)


def all_kinds() -> list[NotificationKind]:
    return sorted(_kinds.values(), key=lambda kind: (kind.order, kind.key))


def audiences_of(caller: Caller) -> set[Audience]:
    """Which audiences a person belongs to: a dealer's staff, the importer's operations."""
    if caller.kind != "user":
        return set()
    audiences: set[Audience] = set()
    if caller.is_dealer:
        audiences.add("dealer")
    if OPERATIONS in caller.back_office_roles:
        audiences.add("operations")
    return audiences


def kinds_for(caller: Caller) -> list[NotificationKind]:
    """The kinds a person may receive by role, in display order (their preferences page)."""
    audiences = audiences_of(caller)
    return [kind for kind in all_kinds() if kind.audience in audiences]
