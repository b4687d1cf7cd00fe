"""One version stamp for the whole catalog: every write to catalog data bumps it on commit.

Catalog reads (API lists, trim pages) are cached under keys that include the stamp, so a change
anywhere in the catalog (a price, a rule, a recognition, an FX rate) makes every cached read
stale at once without enumerating what depends on what. The stamp lives in the shared cache;
each process trusts the value it last read for LOCAL_SECONDS, so a change made in one process is
seen there at once and in the others within that time.

Who bumps it: every catalog service, once per transaction, by calling `catalog_changed()` (a
20,000-row price import is one bump, not 20,000); the catalog admin, once per saved or deleted
object (`catalog.admin.CatalogAdmin`); seed_demo once. No signal does it: a write that bypasses
these (raw SQL, `QuerySet.update()` in a shell) is seen only when the next bump happens.

While Redis cannot be reached there is no stamp: `catalog_version()` answers None and catalog
reads are built fresh, uncached; and catalog changes are refused (SharedCacheUnavailable, a 503),
because a change whose bump is lost would leave every process serving the old catalog from its
cache once Redis is back.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

from core.cache import SharedCacheUnavailable

logger = logging.getLogger(__name__)

T = TypeVar("T")

VERSION_KEY = "catalog:version"
# Catalog edits are back-office work; reads are constant. One second of propagation between
# processes saves a cache round trip on every catalog request.
LOCAL_SECONDS = 1.0

_memo: tuple[str, float] | None = None


def catalog_version() -> str | None:
    """The current stamp: this process's memo if fresh, else one cache read; None without Redis."""
    global _memo
    now = time.monotonic()
    memo = _memo
    if memo is not None and now - memo[1] < LOCAL_SECONDS:
        return memo[0]
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(VERSION_KEY)
    except SharedCacheUnavailable:
        _memo = None
        return None
    _memo = (version, now)
    return version


def _bump() -> None:
    global _memo
    _memo = None
    kept_clear()  # this process's kept reads are stale now; the others' by their new stamp
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except SharedCacheUnavailable:  # Redis went away between the check and the commit
        logger.error("The catalog changed but its stamp could not be bumped: cached reads may be stale")


def catalog_changed() -> None:
    """Bump the stamp when the current transaction commits (at once outside a transaction).

    Services call it once per transaction, after their writes; it is cheap but not free (one
    cache read now, one write on commit), so never call it per row. Raises
    SharedCacheUnavailable when Redis cannot be reached, so the change rolls back.
    """
    cache.get(VERSION_KEY)  # reachable now, or the change is refused
    kept_clear()  # the writing transaction's own later reads see its change
    transaction.on_commit(_bump)


# Catalog reads kept in this process under the stamp (see `by_version`).
MEMO_MAX_ENTRIES = 4096
_kept: OrderedDict[tuple, object] = OrderedDict()
_kept_lock = threading.Lock()


def _frozen(value):
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, set | frozenset):
        return frozenset(value)
    return value


def by_version(read: Callable[..., T]) -> Callable[..., T]:
    """Keep what a catalog read returns, in this process, under the stamp and its arguments.

    For reads that price and check builds (the engine's data of a trim, the price rows, rates and
    tax rules of a date): an order's submit, amendment or confirmation would otherwise run the
    same fourteen queries every time for the same trim and date. A change anywhere in the catalog
    bumps the stamp, so nothing kept is read after it (in another process, within LOCAL_SECONDS).
    Without Redis there is no stamp and every call reads the database.

    What is returned is shared between callers: they must not change it (the engine's data are
    frozen dataclasses; price rows and rules are read, never saved, by the quote). Keyword
    arguments only; lists in them are keyed as tuples.
    """

    @functools.wraps(read)
    def kept(**kwargs):
        version = catalog_version()
        if version is None:
            return read(**kwargs)
        key = (
            read.__module__,
            read.__qualname__,
            version,
            tuple(sorted((k, _frozen(v)) for k, v in kwargs.items())),
        )
        with _kept_lock:
            if key in _kept:
                _kept.move_to_end(key)
                return _kept[key]
        value = read(**kwargs)
        with _kept_lock:
            _kept[key] = value
            while len(_kept) > MEMO_MAX_ENTRIES:
                _kept.popitem(last=False)
        return value

    kept.uncached = read  # type: ignore[attr-defined]
    return kept


def kept_clear() -> None:
    """Forget every kept read (tests start each with none)."""
    with _kept_lock:
        _kept.clear()
