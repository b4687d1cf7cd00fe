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
"""

from __future__ import annotations

import time
import uuid

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "catalog:version"
# Catalog edits are back-office work; reads are constant. One second of propagation between
# processes saves a cache round trip on every catalog request.
LOCAL_SECONDS = 1.0

_memo: tuple[str, float] | None = None


def catalog_version() -> str:
    """The current stamp: this process's memo if fresh, else one cache read."""
    global _memo
    now = time.monotonic()
    memo = _memo
    if memo is not None and now - memo[1] < LOCAL_SECONDS:
        return memo[0]
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    _memo = (version, now)
    return version


def _bump() -> None:
    global _memo
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    _memo = None


def catalog_changed() -> None:
    """Bump the stamp when the current transaction commits (at once outside a transaction).

    Services call it once per transaction, after their writes; it is cheap but not free (one
    cache write per call), so never call it per row.
    """
    transaction.on_commit(_bump)
