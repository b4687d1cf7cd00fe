"""The cards of each role's start page, filled by each app in its AppConfig.ready().

Like the navigation (core.navigation), core lists what the caller may see and never needs to know
the apps: an area of the portal appears on the home page of those who work on it by registering a
card. A card may carry a count (e.g. orders waiting for confirmation): one cheap, scoped query that
runs only on the home page of a caller who sees the card.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from core.callers import Caller


@dataclass(frozen=True)
class HomeCard:
    """One card: its title, what it is for, where it leads, who sees it, and an optional count."""

    title: object  # lazily translated strings
    description: object
    url_name: str
    visible: Callable[[Caller], bool]
    order: int = 100
    count: Callable[[Caller], int] | None = None
    count_label: object = None  # e.g. "waiting", shown beside the count


_cards: list[HomeCard] = []


def register(card: HomeCard) -> None:
    if card.url_name not in {c.url_name for c in _cards}:
        _cards.append(card)
        _cards.sort(key=lambda c: (c.order, c.url_name))


def cards_for(caller: Caller) -> list[dict]:
    """The cards this caller sees, in order, with their URL and count (None when the card has none)."""
    if not caller.is_authenticated:
        return []
    return [
        {
            "title": card.title,
            "description": card.description,
            "url": reverse(card.url_name),
            "count": card.count(caller) if card.count else None,
            "count_label": card.count_label,
            "testid": f"home-{card.url_name.replace(':', '-')}",
        }
        for card in _cards
        if card.visible(caller)
    ]
