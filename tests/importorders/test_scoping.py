"""restrict(caller) for every importorders model, per kind of caller, with the exact rows each sees.

Back office (operations, compliance, admin): everything. A dealer's people and its key: their
dealer's rows (keys: managers only). A partner key: its own partner and nothing else. Anonymous:
nothing.
"""

from types import SimpleNamespace

import pytest

from core.callers import ANONYMOUS
from core.scoping import scoped
from importorders.identity import caller_for_request, caller_for_user, principal_for_key
from importorders.models import Dealer, DealerAPIKey, DealerMembership, LogisticsPartner, PartnerAPIKey
from importorders.services.keys import partner_key_issue
from tests.factories import TEST_ACTOR, PartnerFactory

pytestmark = pytest.mark.django_db

BACK_OFFICE = ("operations", "compliance", "admin")
DEALER_SIDE = ("dealer_sales", "dealer_manager", "other_dealer", "dealer_key", "other_dealer_key")
EVERY_CALLER = (*BACK_OFFICE, *DEALER_SIDE, "partner", "anonymous")


@pytest.fixture
def scene(world):
    """The shared world plus a closed partner and a key for the second partner."""
    PartnerFactory(code="OLDCARRIER", name_en="Old Carrier", active=False)
    partner_key_issue(partner=world.other_partner, name="edi-mikawa", actor=TEST_ACTOR)
    return world


def caller_of(world, name):
    if name == "anonymous":
        return ANONYMOUS
    if name in world.keys:
        principal, snapshot = principal_for_key(world.keys[name])
        return caller_for_request(SimpleNamespace(auth=snapshot, user=principal))
    return caller_for_user(world.users[name])


def codes(model, caller):
    return tuple(scoped(model, caller).order_by("code").values_list("code", flat=True))


def key_names(model, caller):
    owner = "dealer__code" if model is DealerAPIKey else "partner__code"
    return tuple(sorted(scoped(model, caller).values_list(owner, "name")))


PARTNERS_SEEN = {
    **dict.fromkeys(BACK_OFFICE, ("MIKAWAPC", "OLDCARRIER", "PACRORO")),
    **dict.fromkeys(DEALER_SIDE, ()),
    "partner": ("PACRORO",),
    "anonymous": (),
}


@pytest.mark.parametrize("caller", EVERY_CALLER)
def test_logistics_partners(scene, caller):
    assert codes(LogisticsPartner, caller_of(scene, caller)) == PARTNERS_SEEN[caller]


ALL_PARTNER_KEYS = (("MIKAWAPC", "edi-mikawa"), ("PACRORO", "edi"))


@pytest.mark.parametrize("caller", EVERY_CALLER)
def test_partner_keys_are_the_back_offices_only(scene, caller):
    """Not even a partner sees its own keys: they are issued and revoked by the back office."""
    expected = ALL_PARTNER_KEYS if caller in BACK_OFFICE else ()

    assert key_names(PartnerAPIKey, caller_of(scene, caller)) == expected


DEALERS_SEEN = {
    **dict.fromkeys(BACK_OFFICE, ("OSK001", "TKY001")),
    "dealer_sales": ("TKY001",),
    "dealer_manager": ("TKY001",),
    "dealer_key": ("TKY001",),
    "other_dealer": ("OSK001",),
    "other_dealer_key": ("OSK001",),
    "partner": (),
    "anonymous": (),
}


@pytest.mark.parametrize("caller", EVERY_CALLER)
def test_dealers(scene, caller):
    assert codes(Dealer, caller_of(scene, caller)) == DEALERS_SEEN[caller]


MEMBERS = {"TKY001": ["tky-manager", "tky-sales"], "OSK001": ["osk-manager"]}


@pytest.mark.parametrize("caller", EVERY_CALLER)
def test_memberships(scene, caller):
    expected = sorted(name for code in DEALERS_SEEN[caller] for name in MEMBERS[code])

    seen = scoped(DealerMembership, caller_of(scene, caller)).values_list("user__username", flat=True)

    assert sorted(seen) == expected


TKY_KEYS = (("TKY001", "dms"), ("TKY001", "expired"), ("TKY001", "old"))
DEALER_KEYS_SEEN = {
    **dict.fromkeys(BACK_OFFICE, (("OSK001", "dms"), *TKY_KEYS)),
    "dealer_manager": TKY_KEYS,
    "other_dealer": (("OSK001", "dms"),),
    # Sales staff and the integration key itself do not manage keys.
    "dealer_sales": (),
    "dealer_key": (),
    "other_dealer_key": (),
    "partner": (),
    "anonymous": (),
}


@pytest.mark.parametrize("caller", EVERY_CALLER)
def test_dealer_keys(scene, caller):
    assert key_names(DealerAPIKey, caller_of(scene, caller)) == DEALER_KEYS_SEEN[caller]
