"""scoped() narrows a queryset once per caller, however often a read passes it through."""

import pytest

from core.scoping import get_scoped_or_404, scoped
from importorders.identity import caller_for_user
from importorders.models import Dealer

pytestmark = pytest.mark.django_db


def test_scoping_a_scoped_queryset_again_adds_nothing(world):
    caller = caller_for_user(world.users["dealer_sales"])
    once = scoped(Dealer, caller)

    twice = scoped(once.filter(active=True), caller)

    assert str(twice.query) == str(once.filter(active=True).query)
    assert list(twice.values_list("code", flat=True)) == ["TKY001"]


def test_another_caller_is_still_restricted(world):
    sales = caller_for_user(world.users["dealer_sales"])
    other = caller_for_user(world.users["other_dealer"])

    assert list(scoped(scoped(Dealer, sales), other).values_list("code", flat=True)) == []


def test_the_callers_own_queryset_is_not_marked(world):
    caller = caller_for_user(world.users["operations"])
    base = Dealer.objects.all()

    scoped(base, caller)

    assert base._scoped_for is None
    assert get_scoped_or_404(base, caller, code="TKY001").code == "TKY001"
