"""The caller of a request: a signed-in user, a dealer integration key, a partner key, or nobody.

Every scoping decision takes a Caller, never a raw user: a key is not a user, and a user's dealer
comes from their membership. importorders (which owns dealers, partners and keys) registers the
resolver that builds a Caller from a request; core only defines the shape and caches it per request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.translation import get_language

from core.actors import Actor
from core.roles import (
    ADMIN,
    BACK_OFFICE_GROUPS,
    DEALER_INTEGRATION,
    DEALER_MANAGER,
    DEALER_SALES,
    OPERATIONS,
    PARTNER,
)

CallerKind = Literal["anonymous", "user", "dealer_key", "partner_key"]


@dataclass(frozen=True)
class Caller:
    """Who is asking, with exactly what scoping needs to know."""

    kind: CallerKind
    user: Any = None
    dealer_id: int | None = None
    dealer_code: str | None = None
    dealer_names: tuple[str, str] | None = None  # (Japanese, English)
    dealer_role: str | None = None  # "manager" or "sales" for dealer staff
    partner_id: int | None = None
    partner_code: str | None = None
    # A partner's sandbox key: it sees and writes only the partner's sandbox shipments.
    sandbox: bool = False
    back_office_roles: frozenset[str] = field(default_factory=frozenset)
    key_id: str | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.kind != "anonymous"

    @property
    def is_back_office(self) -> bool:
        """Importer staff: operations, compliance or admin; they see every dealer's data."""
        return bool(self.back_office_roles)

    @property
    def is_dealer(self) -> bool:
        """Dealer staff or a dealer integration key: scoped to one dealer."""
        return self.dealer_id is not None

    @property
    def dealer_name(self) -> str | None:
        if self.dealer_names is None:
            return None
        return self.dealer_names[0] if (get_language() or "ja").startswith("ja") else self.dealer_names[1]

    @property
    def is_partner(self) -> bool:
        return self.partner_id is not None

    @property
    def roles(self) -> list[str]:
        """Role names as the API shows them (`me/`, seed_demo)."""
        roles = sorted(self.back_office_roles)
        if self.kind == "user" and self.dealer_role:
            roles.append(DEALER_MANAGER if self.dealer_role == "manager" else DEALER_SALES)
        elif self.kind == "dealer_key":
            roles.append(DEALER_INTEGRATION)
        elif self.kind == "partner_key":
            roles.append(PARTNER)
        return roles

    @property
    def actor(self) -> Actor:
        """The actor this caller's writes are recorded under."""
        if self.kind == "user":
            return Actor.for_user(self.user)
        if self.kind in ("dealer_key", "partner_key"):
            return Actor.for_key(kind=self.kind, prefix=str(self.key_id), label=str(self.user))
        raise RuntimeError("An anonymous caller writes nothing")

    @property
    def is_operations(self) -> bool:
        return bool(self.back_office_roles & {OPERATIONS, ADMIN})

    def summary(self) -> dict[str, Any]:
        """What GET /api/v1/me/ answers."""
        if self.kind == "user":
            username = self.user.get_username()
            display_name = self.user.get_full_name() or username
        else:
            username = None
            display_name = str(getattr(self.user, "display_name", self.kind))
        return {
            "kind": self.kind,
            "username": username,
            "display_name": display_name,
            "dealer": self.dealer_code,
            "partner": self.partner_code,
            "sandbox": self.sandbox,
            "roles": self.roles,
            "is_staff": bool(self.kind == "user" and self.user.is_staff),
            "language": get_language(),
        }


ANONYMOUS = Caller(kind="anonymous")

Resolver = Callable[[Any], Caller]
_resolver: Resolver | None = None


def register_caller_resolver(resolver: Resolver) -> None:
    """Set the function that builds a Caller from a request (importorders does, in ready())."""
    global _resolver
    _resolver = resolver


def back_office_roles_for(user) -> frozenset[str]:
    """A user's back-office roles from their groups; `admin` for superusers. Staff only."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return frozenset()
    roles = {name for name in user.groups.values_list("name", flat=True) if name in BACK_OFFICE_GROUPS}
    if user.is_superuser:
        roles.add(ADMIN)
    return frozenset(roles)


def get_caller(request) -> Caller:
    """The caller of this request, resolved once and cached on the request."""
    # DRF wraps the Django request; cache on the underlying one so pages and API share it.
    target = getattr(request, "_request", request)
    cached = getattr(target, "_importorders_caller", None)
    if cached is not None and (cached.kind != "anonymous" or not _authenticated(request)):
        return cached
    if _resolver is None:
        raise RuntimeError("No caller resolver is registered; is importorders in INSTALLED_APPS?")
    caller = _resolver(request)
    target._importorders_caller = caller
    return caller


def _authenticated(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)
