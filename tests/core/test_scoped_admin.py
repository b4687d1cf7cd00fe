"""Admin lists and foreign-key choices pass through restrict(caller) (core.admin.ScopedAdminMixin).

Only staff enter the admin, and every back-office role sees every dealer and partner, so the
choices a back-office user gets are "all of them, inactive ones included". What proves the mixin is
wired in is a caller whose restrict() is narrower: a staff user given admin permissions directly,
without a back-office group, and the mixin called with a dealer's or a partner's request.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser, Permission
from django.test import Client, RequestFactory

from importorders.models import Dealer, DealerAPIKey, DealerMembership, PartnerAPIKey
from tests.catalog import factories as cf
from tests.factories import DealerFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _choices(response, field: str) -> list[str]:
    """The codes a change form offers for the foreign key `field`, in the order offered."""
    queryset = response.context["adminform"].form.fields[field].queryset
    return list(queryset.values_list("code", flat=True))


@pytest.fixture
def closed_dealer(world):
    """A dealer that no longer trades: the back office still sees it (and may reopen it)."""
    return DealerFactory(code="NGO001", active=False)


@pytest.mark.parametrize(
    ("url", "field", "expected"),
    [
        ("/admin/importorders/dealerapikey/add/", "dealer", ["NGO001", "OSK001", "TKY001"]),
        ("/admin/importorders/dealermembership/add/", "dealer", ["NGO001", "OSK001", "TKY001"]),
        ("/admin/importorders/partnerapikey/add/", "partner", ["MIKAWAPC", "PACRORO"]),
    ],
)
def test_operations_choose_among_every_dealer_and_partner(world, closed_dealer, url, field, expected):
    response = _client(world.users["operations"]).get(url)

    assert response.status_code == 200
    assert _choices(response, field) == expected


def test_operations_autocomplete_offers_every_dealer(world, closed_dealer):
    """The key form's dealer widget is an autocomplete: its JSON goes through DealerAdmin's scope."""
    response = _client(world.users["operations"]).get(
        "/admin/autocomplete/",
        {"app_label": "importorders", "model_name": "dealerapikey", "field_name": "dealer", "term": ""},
    )

    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == [
        f"NGO001 {closed_dealer.name_en}",
        "OSK001 Naniwa Auto",
        "TKY001 Tokyo Motors",
    ]


def test_compliance_reads_dealers_without_a_form_to_change_them(world, closed_dealer):
    client = _client(world.users["compliance"])
    page = f"/admin/importorders/dealer/{world.dealer.pk}/change/"

    listing = client.get("/admin/importorders/dealer/")
    detail = client.get(page)

    assert [dealer.code for dealer in listing.context["cl"].result_list] == ["NGO001", "OSK001", "TKY001"]
    assert detail.status_code == 200
    assert detail.context["has_change_permission"] is False
    assert detail.context["adminform"].form.fields == {}  # every field is shown read-only
    assert 'name="_save"' not in detail.content.decode()


def test_compliance_cannot_change_add_or_reach_keys_and_nothing_changes(world):
    client = _client(world.users["compliance"])
    before = list(Dealer.objects.values_list("code", "name_en", "phone", "active"))

    changed = client.post(
        f"/admin/importorders/dealer/{world.dealer.pk}/change/",
        {"code": "TKY001", "name_ja": "x", "name_en": "Renamed", "prefecture": "13", "active": "on"},
    )
    added = client.post("/admin/importorders/dealer/add/", {"code": "NEW001", "name_en": "New"})
    keys = client.get("/admin/importorders/dealerapikey/add/")

    assert (changed.status_code, added.status_code, keys.status_code) == (403, 403, 403)
    assert list(Dealer.objects.values_list("code", "name_en", "phone", "active")) == before
    assert DealerAPIKey.objects.filter(dealer=world.dealer).count() == 3  # dms, old, expired


def test_compliance_reads_partners_view_only(world):
    client = _client(world.users["compliance"])

    detail = client.get(f"/admin/importorders/logisticspartner/{world.partner.pk}/change/")

    assert detail.status_code == 200
    assert detail.context["adminform"].form.fields == {}
    assert client.get("/admin/importorders/partnerapikey/").status_code == 403


def test_compliance_chooses_among_every_maker_when_it_edits_a_model(world):
    """Compliance owns certification status, so it may change a model: its maker choices are all."""
    toyota = cf.MakerFactory(code="TOYOTA")
    cf.MakerFactory(code="SATURN", active=False)
    model = cf.VehicleModelFactory(maker=toyota, code="CAMRY")

    response = _client(world.users["compliance"]).get(f"/admin/catalog/vehiclemodel/{model.pk}/change/")

    assert response.status_code == 200
    assert _choices(response, "maker") == ["SATURN", "TOYOTA"]
    assert _choices(response, "certification_route") == ["recognition"]


def test_staff_with_permissions_but_no_back_office_role_see_no_rows_and_no_choices(world):
    """Scoping follows the caller's role, not the admin permissions: no role, nothing to see."""
    clerk = StaffUserFactory(username="clerk")
    clerk.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="importorders", codename__in=["view_dealer", "add_dealerapikey"]
        )
    )
    client = _client(clerk)

    listing = client.get("/admin/importorders/dealer/")
    form = client.get("/admin/importorders/dealerapikey/add/")

    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == []
    assert form.status_code == 200
    assert _choices(form, "dealer") == []


@pytest.mark.parametrize(
    ("model", "field", "caller", "expected"),
    [
        (DealerAPIKey, "dealer", "dealer_manager", ["TKY001"]),
        (DealerAPIKey, "dealer", "other_dealer", ["OSK001"]),
        (DealerMembership, "dealer", "dealer_sales", ["TKY001"]),
        (PartnerAPIKey, "partner", "partner", ["PACRORO"]),
        (PartnerAPIKey, "partner", "dealer_manager", []),
        (DealerAPIKey, "dealer", "partner", []),
        (DealerAPIKey, "dealer", "anonymous", []),
    ],
)
def test_the_mixin_narrows_choices_to_what_the_caller_may_see(world, model, field, caller, expected):
    request = RequestFactory().get("/admin/")
    if caller in world.keys:
        request.user = _key_principal(world, caller, request)
    else:
        request.user = world.users.get(caller, AnonymousUser())
    model_admin = admin.site._registry[model]

    formfield = model_admin.formfield_for_foreignkey(model._meta.get_field(field), request)

    assert list(formfield.queryset.values_list("code", flat=True)) == expected


def _key_principal(world, caller, request):
    """Authenticate `request` with the caller's key the way the API does (sets request.auth)."""
    from importorders.identity import principal_for_key

    principal, snapshot = principal_for_key(world.keys[caller])
    request.auth = snapshot
    return principal
