"""Order reads kept rendered in this process, under a version per dealer that every order write bumps.

A dealer's integration polls its order list and its orders far more often than they change. The
list page and the detail are kept as rendered bodies (core.api.response_cache) under a key that
holds the **version of the caller's scope**: one per dealer (its people and keys) and one for the
back office (every dealer's orders). The version lives in the shared cache and is read on every
request, one GET (no memo across processes): a dealer that submits an order through one process
and lists through another sees the change at once.

Who bumps it: `importorders.services.orders._event`, which every order write goes through (create,
amend, moves, re-price, change requests, VIN assignment), and the exception services call
`order_rows_changed(dealer_id)`: a new version for that dealer and for the back office, at once and
again on commit. No signal does it.

While Redis cannot be reached there is no version: reads are built fresh, uncached. A bump lost to
a Redis outage at the very moment of a commit leaves an entry stale for at most MAX_AGE seconds
(entries are rebuilt after that whatever the version says).

What else keys an entry: the scheme and raw host (links are absolute), the full path and query
(filters, cursor), the language, the time zone (times are shown in it), the negotiated renderer
(only JSON is kept) and, for the detail, today's date in Japan (the moves offered and the cut-off
depend on it).
"""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from rest_framework.renderers import JSONRenderer

from catalog.versioning import catalog_version
from core.api.response_cache import ResponseCache
from core.cache import SharedCacheUnavailable
from core.callers import Caller

logger = logging.getLogger(__name__)

BACK_OFFICE = "all"
MAX_AGE = 30.0

order_response_cache = ResponseCache(max_entries=1024, max_age=MAX_AGE)


def _version_key(scope: str) -> str:
    return f"orders:version:{scope}"


def _scope(caller: Caller) -> str | None:
    if caller.is_back_office:
        return BACK_OFFICE
    if caller.is_dealer and caller.dealer_id is not None:
        return f"d{caller.dealer_id}"
    return None  # partners and the anonymous see no orders: nothing worth keeping


def scope_version(scope: str) -> str | None:
    """The scope's current version (made on first use); None while Redis cannot be reached."""
    key = _version_key(scope)
    try:
        version = cache.get(key)
        if version is None:
            cache.add(key, uuid.uuid4().hex, timeout=None)
            version = cache.get(key)
    except SharedCacheUnavailable:
        return None
    return version


def response_key(request, caller: Caller, *, today=None, detail: bool = False) -> tuple | None:
    """The key of a kept order read for this request, or None (build it, keep nothing).

    A detail's body also depends on the caller's roles (the moves it may make), on today and on
    the catalog (the model's cut-off days): all three are in its key.
    """
    if not isinstance(getattr(request, "accepted_renderer", None), JSONRenderer):
        return None
    scope = _scope(caller)
    if scope is None:
        return None
    version = scope_version(scope)
    if version is None:
        return None
    extra: tuple = ()
    if detail:
        catalog = catalog_version()
        if catalog is None:
            return None
        extra = (tuple(caller.roles), catalog)
    django_request = request._request
    return (
        scope,
        version,
        *extra,
        get_language(),
        timezone.get_current_timezone_name(),
        None if today is None else today.isoformat(),
        django_request.scheme,
        django_request._get_raw_host(),
        django_request.path,
        django_request.META.get("QUERY_STRING", ""),
    )


def _bump(dealer_id: int) -> None:
    try:
        cache.set_many(
            {_version_key(f"d{dealer_id}"): uuid.uuid4().hex, _version_key(BACK_OFFICE): uuid.uuid4().hex},
            timeout=None,
        )
    except SharedCacheUnavailable:
        logger.error(
            "Orders of dealer %s changed but their version could not be bumped: kept reads may be "
            "stale for up to %s s",
            dealer_id,
            MAX_AGE,
        )


def order_rows_changed(dealer_id: int) -> None:
    """Bump the dealer's and the back office's versions now and again when the transaction commits.

    The bump after the commit is the one that matters: a read that ran between the write and the
    commit kept what it saw under the version of then, which the second bump retires. The bump now
    makes the writing transaction's own later reads (and a test's, which never commits) see the
    change. Called once per order event: one SET of two keys each time, and one after the commit per
    dealer and transaction (a batch that moves a hundred orders of one dealer bumps once on commit).
    """
    _bump(dealer_id)
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        isinstance(callback, _BumpOnCommit) and callback.dealer_id == dealer_id
        for _savepoints, callback, _robust in connection.run_on_commit
    ):
        # Already queued in this transaction. Django drops a callback with the savepoint it was
        # queued in, so one still queued outlives any savepoint this write could be rolled back with.
        return
    transaction.on_commit(_BumpOnCommit(dealer_id))


class _BumpOnCommit:
    """The after-commit bump of one dealer's version (a class, so a queued one can be recognised)."""

    __slots__ = ("dealer_id",)

    def __init__(self, dealer_id: int) -> None:
        self.dealer_id = dealer_id

    def __call__(self) -> None:
        _bump(self.dealer_id)
