"""Who a request comes from: resolves API keys and users into a core Caller.

Registered with core in ImportOrdersConfig.ready(); core's authentication and scoping call these.

A key's facts (hash, revocation, expiry, owner) are cached by its public prefix for
KEY_CACHE_SECONDS, so a keyed request needs no database query. Changing a key or its owner must
take effect on the very next request in every process, so the services that do it
(importorders.services.keys and .dealers, and the admin) call `key_cache_forget`, which
*fences* the prefix: a marker under its own cache key, written before the change commits and again
right after. While the fence stands (FENCE_SECONDS), every lookup of that prefix reads the database
and caches nothing. Deleting the cached facts alone is not enough: a request that read the old
facts (from the database or the cache) before the commit would write them back after the delete
and keep a revoked key working for a minute. With the fence, such a late write is ignored by every
reader until it has expired (no lookup caches what it read more than STALE_WRITE_SECONDS ago, and
the fence outlives any entry by more than that). The fence is read in the same cache round trip as
the facts and the throttle counter: the hot path stays one round trip.

When Redis cannot be reached, keys are looked up in the database on every request (nothing is
cached), and a change that cannot fence its keys is refused (SharedCacheUnavailable: 503) rather
than committed with stale facts left in the cache. The timeout is the safety net for changes made
behind the services' back (raw SQL, a shell).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction

from core import clock
from core.cache import SharedCacheUnavailable
from core.callers import ANONYMOUS, Caller, back_office_roles_for
from importorders.models import DealerAPIKey, DealerMembership, PartnerAPIKey
from importorders.models.keys import LAST_USED_RESOLUTION

logger = logging.getLogger(__name__)

KEY_CACHE_SECONDS = 60
# A fence outlives any entry written before it (KEY_CACHE_SECONDS) plus the stale-write bound.
FENCE_SECONDS = 2 * KEY_CACHE_SECONDS
STALE_WRITE_SECONDS = 10
_KEY_MODELS = {"d": (DealerAPIKey, "dealer"), "p": (PartnerAPIKey, "partner")}
_UNKNOWN = "unknown"


@dataclass(frozen=True)
class KeySnapshot:
    """What authentication needs to know about a key, cacheable (no model instances)."""

    pk: str
    kind: str  # "dealer_key" or "partner_key"
    prefix: str
    name: str
    hashed_key: str
    revoked: bool
    expiry_date: datetime | None
    owner_id: int
    owner_code: str
    owner_name_ja: str
    owner_name_en: str
    owner_active: bool
    last_used_at: datetime | None
    # A partner's sandbox key (docs/decisions/0004); a default, so facts cached before it read False.
    sandbox: bool = False

    @property
    def usable(self) -> bool:
        expired = self.expiry_date is not None and self.expiry_date < clock.now()
        return not self.revoked and not expired and self.owner_active


def _cache_key(prefix: str) -> str:
    return f"apikey:{prefix}"


def _fence_key(prefix: str) -> str:
    return f"apikey-fence:{prefix}"


def _fence(prefixes: list[str]) -> None:
    cache.set_many({_fence_key(prefix): 1 for prefix in prefixes}, FENCE_SECONDS)
    cache.delete_many([_cache_key(prefix) for prefix in prefixes])


def key_cache_forget(prefixes: Iterable[str], *, issued: bool = False) -> None:
    """Fence these keys' cached facts now and again when the current transaction commits.

    Call it inside the transaction that changes the keys or their owner. Raises
    SharedCacheUnavailable when Redis cannot be reached, so that transaction rolls back: a change
    is refused rather than left hidden behind cached facts.

    `issued`: the keys are new. Nobody can have read facts about a prefix that did not exist, only
    "unknown", so the entries are deleted (now and on commit) without a fence, and the new key is
    cached from its first use.
    """
    prefixes = list(prefixes)
    if not prefixes:
        return

    def forget() -> None:
        if issued:
            cache.delete_many([_cache_key(prefix) for prefix in prefixes])
        else:
            _fence(prefixes)

    forget()

    def after_commit() -> None:
        try:
            forget()
        except SharedCacheUnavailable:  # what was written before the commit still stands
            logger.warning("Could not refresh the key cache of %s after commit", prefixes)

    transaction.on_commit(after_commit)


def _snapshot(key, owner_field: str) -> KeySnapshot:
    owner = getattr(key, owner_field)
    return KeySnapshot(
        pk=key.pk,
        kind=f"{owner_field}_key",
        prefix=key.prefix,
        name=key.name,
        hashed_key=key.hashed_key,
        revoked=key.revoked,
        expiry_date=key.expiry_date,
        owner_id=owner.pk,
        owner_code=owner.code,
        owner_name_ja=owner.name_ja,
        owner_name_en=owner.name_en,
        owner_active=owner.active,
        last_used_at=key.last_used_at,
        sandbox=bool(getattr(key, "sandbox", False)),
    )


class KeyPrincipal(AnonymousUser):
    """The `request.user` of a call made with an API key: authenticated, but not a person.

    It has no id, no groups and no staff rights, so nothing that expects a person can mistake it
    for one; scoping reads the Caller, never this object.
    """

    def __init__(self, key: KeySnapshot) -> None:
        self.key = key
        self.display_name = f"{key.owner_name_en} ({key.name})"

    @property
    def is_anonymous(self) -> bool:
        return False

    @property
    def is_authenticated(self) -> bool:
        return True

    def __str__(self) -> str:
        return self.display_name


def _kind(prefix: str) -> str:
    return f"{_KEY_MODELS[prefix[0]][1]}_key"


def _read(prefix: str, fetch) -> tuple[object | None, bool]:
    """(cached facts or None, whether they may be trusted and written back)."""
    keys = [_cache_key(prefix), _fence_key(prefix)]
    try:
        if fetch:
            cached, fence = fetch(keys, _kind(prefix), prefix)
        else:
            found = cache.get_many(keys)
            cached, fence = found.get(keys[0]), found.get(keys[1])
    except SharedCacheUnavailable:
        return None, False
    if fence is not None:
        return None, False
    return cached, True


def _write_back(value: object, prefix: str, read_at: float) -> None:
    """Cache what was read at `read_at` (time.monotonic()), unless that is too long ago."""
    if time.monotonic() - read_at > STALE_WRITE_SECONDS:
        return
    with contextlib.suppress(SharedCacheUnavailable):
        cache.set(_cache_key(prefix), value, KEY_CACHE_SECONDS)


def _load(prefix: str, fetch, read_at: float) -> tuple[KeySnapshot | None, bool]:
    """(the key's facts or None if unknown, whether the cache may be written for it)."""
    cached, cacheable = _read(prefix, fetch)
    if cached is not None:
        return (None if cached == _UNKNOWN else cached), cacheable
    model, owner_field = _KEY_MODELS[prefix[0]]
    key = model.objects.select_related(owner_field).filter(prefix=prefix).first()
    snapshot = _snapshot(key, owner_field) if key else None
    if cacheable:
        _write_back(snapshot or _UNKNOWN, prefix, read_at)
    return snapshot, cacheable


def _touch(snapshot: KeySnapshot, cacheable: bool, read_at: float) -> KeySnapshot:
    """Record use at most once per LAST_USED_RESOLUTION, in the database and the cached facts."""
    now = clock.now()
    if snapshot.last_used_at is not None and now - snapshot.last_used_at < LAST_USED_RESOLUTION:
        return snapshot
    model, _ = _KEY_MODELS[snapshot.prefix[0]]
    model.objects.filter(pk=snapshot.pk).update(last_used_at=now)
    snapshot = replace(snapshot, last_used_at=now)
    if cacheable:
        _write_back(snapshot, snapshot.prefix, read_at)
    return snapshot


def principal_for_key(raw_key: str, fetch=None) -> tuple[KeyPrincipal, KeySnapshot] | None:
    """(principal, key facts) for a usable key; None if malformed, unknown, revoked, expired or orphaned."""
    prefix, dot, _secret = raw_key.partition(".")
    # Prefixes are 8 ASCII letters and digits: anything else is looked up nowhere (a NUL in a
    # lookup is a 500 on PostgreSQL).
    if (
        not dot
        or len(prefix) != 8
        or prefix[0] not in _KEY_MODELS
        or not (prefix.isascii() and prefix.isalnum())
    ):
        return None
    read_at = time.monotonic()
    snapshot, cacheable = _load(prefix, fetch, read_at)
    if snapshot is None or not snapshot.usable:
        return None
    model, _ = _KEY_MODELS[prefix[0]]
    if not model.objects.key_generator.verify(raw_key, snapshot.hashed_key):
        return None
    snapshot = _touch(snapshot, cacheable, read_at)
    return KeyPrincipal(snapshot), snapshot


def caller_for_user(user) -> Caller:
    """A signed-in person: their dealer and role (if any) and their back-office roles."""
    if not (user.is_authenticated and user.is_active):
        return ANONYMOUS
    membership = (
        DealerMembership.objects.select_related("dealer")
        .filter(user=user, active=True, dealer__active=True)
        .first()
    )
    dealer = membership.dealer if membership else None
    return Caller(
        kind="user",
        user=user,
        dealer_id=dealer.pk if dealer else None,
        dealer_code=dealer.code if dealer else None,
        dealer_names=(dealer.name_ja, dealer.name_en) if dealer else None,
        dealer_role=membership.role if membership else None,
        back_office_roles=back_office_roles_for(user),
    )


def caller_for_request(request) -> Caller:
    """The Caller of a Django or DRF request."""
    key = getattr(request, "auth", None)  # set by DRF's authentication; absent on portal pages
    if isinstance(key, KeySnapshot) and key.kind == "dealer_key":
        return Caller(
            kind="dealer_key",
            user=request.user,
            dealer_id=key.owner_id,
            dealer_code=key.owner_code,
            dealer_names=(key.owner_name_ja, key.owner_name_en),
            key_id=key.prefix,
        )
    if isinstance(key, KeySnapshot) and key.kind == "partner_key":
        return Caller(
            kind="partner_key",
            user=request.user,
            partner_id=key.owner_id,
            partner_code=key.owner_code,
            sandbox=key.sandbox,
            key_id=key.prefix,
        )
    return caller_for_user(request.user)
