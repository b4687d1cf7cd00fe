"""Contended change requests on PostgreSQL: threads released together by a barrier, exact outcomes."""

import pytest

from core.errors import Conflict
from importorders.models import ChangeRequest, OrderEvent
from importorders.services import changes
from tests.catalog.conftest import camry  # noqa: F401 - the Camry world, priced, for orders
from tests.factories import TEST_ACTOR, DealerFactory
from tests.importorders.changes import install_options, place
from tests.importorders.test_locks import THREADS, _run_together, postgresql  # noqa: F401

# The threads read what the test wrote: committed, not inside the test's transaction.
pytestmark = pytest.mark.django_db(transaction=True)

PORT_SETS = [["PKG-NAV"], ["PKG-NAV", "MUDGUARD"], ["PKG-NAV", "RAILS"], ["PKG-NAV", "MUDGUARD", "RAILS"]]


@pytest.fixture
def order(postgresql, camry):  # noqa: F811
    install_options(camry)
    return place(DealerFactory(code="TKY001"), camry)


def test_eight_dealers_asking_at_once_leave_one_pending_request(order):
    def ask(i: int) -> None:
        changes.change_request_create(
            order=order,
            actor=TEST_ACTOR,
            color_code="218" if i % 2 else "089",
            option_codes=PORT_SETS[i % 4] if i % 2 else ["PKG-NAV", "MUDGUARD"],
            reason=f"clerk {i}",
        )

    errors = _run_together(ask)

    assert ChangeRequest.objects.filter(order=order, status="pending").count() == 1
    assert len(errors) == THREADS - 1
    assert {(type(e), e.code) for e in errors} == {(Conflict, "change_request_pending")}
    assert OrderEvent.objects.filter(order=order, kind="change_requested").count() == 1


def test_approval_and_withdrawal_racing_decide_once(order):
    request = changes.change_request_create(
        order=order, actor=TEST_ACTOR, color_code="218", option_codes=None, reason="black"
    )

    def decide(i: int) -> None:
        if i % 2:
            changes.change_request_approve(change_request=request, actor=TEST_ACTOR)
        else:
            changes.change_request_withdraw(change_request=request, actor=TEST_ACTOR)

    errors = _run_together(decide)

    request.refresh_from_db()
    order.refresh_from_db()
    decisions = OrderEvent.objects.filter(order=order, kind__in=["change_approved", "change_withdrawn"])
    assert decisions.count() == 1
    assert {(type(e), e.code) for e in errors} == {(Conflict, "change_request_decided")}
    assert len(errors) == THREADS // 2  # the other side's threads found it decided; its own repeated
    if request.status == "approved":
        assert order.color.code == "218"
        assert OrderEvent.objects.filter(order=order, kind="repriced").count() >= 1
    else:
        assert request.status == "withdrawn"
        assert order.color.code == "089"
