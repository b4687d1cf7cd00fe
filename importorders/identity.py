"""Who a request comes from: resolves API keys and users into a core Caller.

Registered with core in ImportOrdersConfig.ready(); core's authentication and scoping call these.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from core.callers import ANONYMOUS, Caller, back_office_roles_for
from importorders.models import DealerAPIKey, DealerMembership, PartnerAPIKey

_KEY_MODELS = {"d": (DealerAPIKey, "dealer"), "p": (PartnerAPIKey, "partner")}


class KeyPrincipal(AnonymousUser):
    """The `request.user` of a call made with an API key: authenticated, but not a person.

    It has no id, no groups and no staff rights, so nothing that expects a person can mistake it
    for one; scoping reads the Caller, never this object.
    """

    def __init__(self, key) -> None:
        self.key = key
        owner = key.dealer if isinstance(key, DealerAPIKey) else key.partner
        self.display_name = f"{owner.name_en} ({key.name})"

    @property
    def is_anonymous(self) -> bool:
        return False

    @property
    def is_authenticated(self) -> bool:
        return True

    def __str__(self) -> str:
        return self.display_name


def principal_for_key(raw_key: str) -> tuple[KeyPrincipal, DealerAPIKey | PartnerAPIKey] | None:
    """(principal, key) for a usable key, or None: unknown, malformed, revoked, expired, inactive owner."""
    prefix, dot, _secret = raw_key.partition(".")
    if not dot or len(prefix) != 8 or prefix[0] not in _KEY_MODELS:
        return None
    model, owner_field = _KEY_MODELS[prefix[0]]
    key = model.objects.select_related(owner_field).filter(prefix=prefix).first()
    if key is None or not key.usable or not getattr(key, owner_field).active:
        return None
    if not key.is_valid(raw_key):
        return None
    key.touch()
    return KeyPrincipal(key), key


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
    if isinstance(key, DealerAPIKey):
        return Caller(
            kind="dealer_key",
            user=request.user,
            dealer_id=key.dealer_id,
            dealer_code=key.dealer.code,
            dealer_names=(key.dealer.name_ja, key.dealer.name_en),
            key_id=key.pk,
        )
    if isinstance(key, PartnerAPIKey):
        return Caller(
            kind="partner_key",
            user=request.user,
            partner_id=key.partner_id,
            partner_code=key.partner.code,
            key_id=key.pk,
        )
    return caller_for_user(request.user)
