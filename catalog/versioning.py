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

import logging
import time
import uuid

from django.core.cache import cache
from django.db import transaction

from core.cache import SharedCacheUnavailable

logger = logging.getLogger(__name__)

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
    transaction.on_commit(_bump)
