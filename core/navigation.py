"""The portal's main navigation and site-wide notices, filled by each app in its AppConfig.ready().

Core's base template lists the entries the caller may see, so core never needs to know the apps
(dependencies run one way) and a new area of the portal appears by registering one entry. A notice
provider answers a banner for a caller (or None); it must be cheap: it runs on every page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from core.callers import Caller


@dataclass(frozen=True)
class NavEntry:
    """One link in the header: its label, URL name, URL namespace and who sees it."""

    label: object  # a lazily translated string
    url_name: str
    namespace: str
    visible: Callable[[Caller], bool]
    order: int = 100


_entries: list[NavEntry] = []


def register(entry: NavEntry) -> None:
    if entry.url_name not in {e.url_name for e in _entries}:
        _entries.append(entry)
        _entries.sort(key=lambda e: (e.order, e.url_name))


def nav_for(caller: Caller, current_namespace: str | None, path: str | None = None) -> list[dict]:
    """The entries this caller may see, with their URL and whether the current page is under them.

    With `path`, a page is under an entry when it is in the entry's namespace and its path starts
    with the entry's URL: two entries of one namespace (/office/orders/, /office/schedule/) are
    told apart.
    """
    if not caller.is_authenticated:
        return []
    entries = []
    for entry in _entries:
        if not entry.visible(caller):
            continue
        url = reverse(entry.url_name)
        current = current_namespace == entry.namespace and (path is None or path.startswith(url))
        entries.append({"label": entry.label, "url": url, "current": current, "testid": _testid(entry)})
    return entries


def _testid(entry: NavEntry) -> str:
    """`nav-<namespace>`; an entry that shares its namespace with an earlier one adds its URL name."""
    first = next(e for e in _entries if e.namespace == entry.namespace)
    if first is entry:
        return f"nav-{entry.namespace}"
    return f"nav-{entry.namespace}-{entry.url_name.rpartition(':')[2]}"


@dataclass(frozen=True)
class Notice:
    """A banner shown above every portal page's content."""

    message: str
    testid: str
    level: str = "warning"


NoticeProvider = Callable[[Caller], Notice | None]
_notice_providers: dict[str, NoticeProvider] = {}


def register_notice(name: str, provider: NoticeProvider) -> None:
    _notice_providers[name] = provider


def notices_for(caller: Caller) -> list[Notice]:
    """The banners this caller should see now."""
    if not caller.is_authenticated:
        return []
    return [notice for provider in _notice_providers.values() if (notice := provider(caller)) is not None]
