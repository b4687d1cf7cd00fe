"""Who a request comes from: resolves API keys and users into a core Caller.

Registered with core in ImportOrdersConfig.ready(); core's authentication and scoping call these.

A key's facts (hash, revocation, expiry, owner) are cached by its public prefix for
KEY_CACHE_SECONDS, so a keyed request needs no database query. The services that change a key or
its owner (importorders.services.keys, .dealers, .partners) drop the cached entries when their
transaction commits (`key_cache_forget`), so revoking a key or deactivating a dealer takes effect
at once where the cache is shared (Redis); the timeout is the safety net for changes made behind
the services' back (raw SQL, a shell).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction

from core import clock
from core.callers import ANONYMOUS, Caller, back_office_roles_for
from importorders.models import DealerAPIKey, DealerMembership, PartnerAPIKey
from importorders.models.keys import LAST_USED_RESOLUTION

KEY_CACHE_SECONDS = 60
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

    @property
    def usable(self) -> bool:
        expired = self.expiry_date is not None and self.expiry_date < clock.now()
        return not self.revoked and not expired and self.owner_active


def _cache_key(prefix: str) -> str:
    return f"apikey:{prefix}"


def key_cache_forget(prefixes: Iterable[str]) -> None:
    """Drop cached key facts once the current transaction commits (or now, outside one)."""
    keys = [_cache_key(prefix) for prefix in prefixes]
    if keys:
        transaction.on_commit(lambda: cache.delete_many(keys))


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


def _load(prefix: str, fetch=None) -> KeySnapshot | None:
    cached = fetch(_cache_key(prefix), _kind(prefix), prefix) if fetch else cache.get(_cache_key(prefix))
    if cached is not None:
        return None if cached == _UNKNOWN else cached
    model, owner_field = _KEY_MODELS[prefix[0]]
    key = model.objects.select_related(owner_field).filter(prefix=prefix).first()
    snapshot = _snapshot(key, owner_field) if key else None
    cache.set(_cache_key(prefix), snapshot or _UNKNOWN, KEY_CACHE_SECONDS)
    return snapshot


def _touch(snapshot: KeySnapshot) -> KeySnapshot:
    """Record use at most once per LAST_USED_RESOLUTION, in the database and the cached facts."""
    now = clock.now()
    if snapshot.last_used_at is not None and now - snapshot.last_used_at < LAST_USED_RESOLUTION:
        return snapshot
    model, _ = _KEY_MODELS[snapshot.prefix[0]]
    model.objects.filter(pk=snapshot.pk).update(last_used_at=now)
    snapshot = replace(snapshot, last_used_at=now)
    cache.set(_cache_key(snapshot.prefix), snapshot, KEY_CACHE_SECONDS)
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
    snapshot = _load(prefix, fetch)
    if snapshot is None or not snapshot.usable:
        return None
    model, _ = _KEY_MODELS[prefix[0]]
    if not model.objects.key_generator.verify(raw_key, snapshot.hashed_key):
        return None
    snapshot = _touch(snapshot)
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
            key_id=key.prefix,
        )
    return caller_for_user(request.user)
