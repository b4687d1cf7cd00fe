"""Scoping is held where data flows: every reachable model has restrict(caller), and an unscoped
queryset that reaches pagination, an object lookup or a selector's return is refused at run time."""

import pytest
from django.apps import apps
from django.core.exceptions import FieldError
from rest_framework import mixins, viewsets
from rest_framework.test import APIRequestFactory

from catalog.api.views import TrimViewSet, VehicleModelViewSet
from core.api.views import ScopedAPIMixin
from core.callers import ANONYMOUS
from core.scoping import ScopedQuerySet, UnscopedQuerySet, get_scoped_or_404, scoped, selector
from importorders.api.serializers import DealerSerializer
from importorders.api.views import DealerViewSet, OrderViewSet
from importorders.identity import caller_for_user
from importorders.models import Dealer

# Models no caller reaches through a view, an export, an admin list or a form's choices, and why.
UNREACHABLE = {
    "core.WorkerHeartbeat": "operations only, read-only admin of liveness; no tenant data",
}
OUR_APPS = ("core", "catalog", "importorders", "compliance")


def _reachable_models():
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label not in OUR_APPS or label.split(".")[1].startswith("Historical"):
            continue
        if label not in UNREACHABLE:
            yield model


def test_every_reachable_model_defines_its_own_restrict():
    missing = [
        model._meta.label
        for model in _reachable_models()
        if not isinstance(model._default_manager.all(), ScopedQuerySet)
        or type(model._default_manager.all()).restrict is ScopedQuerySet.restrict
    ]

    assert missing == []


def test_the_list_of_models_is_not_empty_and_the_exemptions_exist():
    labels = {model._meta.label for model in _reachable_models()}

    assert {"catalog.Trim", "catalog.FxRate", "catalog.PriceList", "importorders.Dealer"} <= labels
    assert all(apps.get_model(label) for label in UNREACHABLE)


@pytest.mark.django_db
@pytest.mark.parametrize("viewset", [DealerViewSet, OrderViewSet, TrimViewSet, VehicleModelViewSet])
def test_a_list_view_that_skips_scoping_is_refused(world, viewset, monkeypatch):
    model = viewset.queryset.model
    monkeypatch.setattr(viewset, "get_queryset", lambda self: model.objects.all())
    request = APIRequestFactory().get("/")
    request.user = world.users["operations"]
    view = viewset.as_view({"get": "list"})

    with pytest.raises(UnscopedQuerySet, match=f"{model.__name__} rows must pass through scoped"):
        view(request)


class _CarelessDetail(ScopedAPIMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A detail view whose get_queryset forgets the scoping."""

    queryset = Dealer.objects.all()
    serializer_class = DealerSerializer
    lookup_field = "code"

    def get_queryset(self):
        return Dealer.objects.all()


@pytest.mark.django_db
def test_an_object_lookup_on_an_unscoped_queryset_is_refused(world):
    request = APIRequestFactory().get("/")
    request.user = world.users["operations"]

    with pytest.raises(UnscopedQuerySet, match="_CarelessDetail"):
        _CarelessDetail.as_view({"get": "retrieve"})(request, code=world.dealer.code)


@pytest.mark.django_db
def test_a_selector_returning_an_unscoped_queryset_is_refused():
    @selector
    def careless() -> object:
        return Dealer.objects.all()

    @selector
    def careful() -> object:
        return scoped(Dealer, ANONYMOUS)

    with pytest.raises(UnscopedQuerySet, match="careless"):
        careless()
    assert list(careful()) == []


@pytest.mark.django_db
def test_a_bug_in_a_lookup_is_raised_not_hidden_as_404(world):
    with pytest.raises(FieldError, match="no_such_field"):
        get_scoped_or_404(Dealer, ANONYMOUS, no_such_field="x")


@pytest.mark.django_db
@pytest.mark.parametrize("lookup", [{"pk": "abc"}, {"pk": 10**6}, {"code": "NOPE"}])
def test_bad_or_missing_lookups_are_404(world, lookup):
    from core.errors import NotFound

    with pytest.raises(NotFound):
        get_scoped_or_404(Dealer, caller_for_user(world.users["operations"]), **lookup)
