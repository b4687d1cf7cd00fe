"""Orders through their services: create, amend, and every move of the pipeline."""

from __future__ import annotations

import datetime as dt

import pytest

from catalog.errors import ConfigurationInvalid
from core.errors import Conflict, ValidationFailed
from importorders.models import Order, OrderEvent, OrderStatus
from importorders.models.orders import REFERENCE_ALPHABET, reference_normalize
from importorders.pipeline import MOVES, allowed_moves
from importorders.services import orders as svc
from tests.clock import today
from tests.factories import TEST_ACTOR, DealerFactory
from tests.importorders.allocating import allow

pytestmark = pytest.mark.django_db


def _month(offset: int = 1) -> dt.date:
    first = today().replace(day=1)
    year, month = divmod(first.month - 1 + offset, 12)
    return first.replace(year=first.year + year, month=month + 1)


def _draft(camry, **overrides) -> Order:
    changes = {
        "kind": "sold",
        "customer_reference": "CUST-001",
        "trim": camry.trim,
        "color_code": "089",
        "option_codes": ("PKG-NAV",),
        "requested_month": _month(),
        **overrides,
    }
    return svc.order_create(dealer=DealerFactory(), actor=TEST_ACTOR, changes=svc.OrderChanges(**changes))


def _events(order: Order) -> list[tuple[str, str, str]]:
    return list(order.events.order_by("at", "id").values_list("kind", "from_status", "to_status"))


def test_a_new_order_is_a_draft_with_a_phone_safe_reference_and_a_created_event(camry):
    order = _draft(camry)

    assert order.status == OrderStatus.DRAFT
    assert len(order.reference) == 9
    assert order.reference[4] == "-"
    assert set(order.reference.replace("-", "")) <= set(REFERENCE_ALPHABET)
    assert reference_normalize(order.reference.lower().replace("-", " ")) == order.reference
    assert order.option_codes == ["PKG-NAV"]  # DASHCAM comes with the package, it is not chosen
    assert _events(order) == [("created", "", "draft")]
    event = order.events.get()
    assert (event.actor_kind, event.actor_ref) == ("system", "test-suite")


def test_a_broken_build_is_refused_naming_every_rule_and_writes_nothing(camry):
    with pytest.raises(ConfigurationInvalid) as raised:
        _draft(camry, option_codes=("ROOF", "RACK"))

    codes = sorted(detail["code"] for detail in raised.value.details)
    assert codes == ["excluded_option", "missing_required_option"]
    assert not Order.objects.exists()
    assert not OrderEvent.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (lambda: {"customer_reference": " "}, "customer_reference"),
        (lambda: {"kind": "lease"}, "kind"),
        # Months are computed in the test, on its clock, never at collection.
        (lambda: {"requested_month": _month(-1)}, "requested_month"),
        (lambda: {"requested_month": _month().replace(day=2)}, "requested_month"),
    ],
    ids=["customer_reference", "kind", "past_month", "not_first_day"],
)
def test_bad_order_fields_are_refused_by_name(camry, overrides, field):
    with pytest.raises(ValidationFailed) as raised:
        _draft(camry, **overrides())

    assert list(raised.value.fields) == [field]
    assert not Order.objects.exists()


def test_submit_prices_the_order_and_the_event_names_the_move(camry):
    order = svc.order_submit(order=_draft(camry), actor=TEST_ACTOR)

    assert order.status == OrderStatus.SUBMITTED
    assert order.priced_on == today()
    assert order.price_total_jpy > 0
    codes = [line["code"] for line in order.price_lines]
    assert {"option:PKG-NAV", "option:DASHCAM", "fob", "cif", "total"} <= set(codes)
    assert order.price_lines[codes.index("total")]["amount_jpy"] == str(order.price_total_jpy)
    assert _events(order) == [("created", "", "draft"), ("moved", "draft", "submitted")]


def test_an_exact_repeat_changes_nothing_and_writes_no_event(camry):
    order = svc.order_submit(order=_draft(camry), actor=TEST_ACTOR)

    again = svc.order_submit(order=order, actor=TEST_ACTOR)

    assert again.status == OrderStatus.SUBMITTED
    assert order.events.count() == 2


def test_a_move_the_status_forbids_is_409_and_changes_nothing(camry):
    order = _draft(camry)

    with pytest.raises(Conflict) as raised:
        svc.order_confirm(order=allow(order), actor=TEST_ACTOR)

    assert raised.value.code == "move_not_allowed"
    order.refresh_from_db()
    assert (order.status, order.events.count(), order.fx_rate) == (OrderStatus.DRAFT, 1, None)


def test_confirm_locks_the_fx_rate_and_records_a_reprice_only_when_the_total_moves(camry, clock):
    order = svc.order_submit(order=_draft(camry), actor=TEST_ACTOR)

    confirmed = svc.order_confirm(order=allow(order), actor=TEST_ACTOR)

    assert confirmed.status == OrderStatus.CONFIRMED
    assert confirmed.fx_rate is not None
    assert confirmed.fx_rate_date <= today()
    assert confirmed.confirmed_at == clock.now()
    kinds = [kind for kind, _, _ in _events(confirmed)]
    assert kinds.count("repriced") == (0 if confirmed.price_total_jpy == order.price_total_jpy else 1)


def test_reject_needs_a_reason(camry):
    order = svc.order_submit(order=_draft(camry), actor=TEST_ACTOR)

    with pytest.raises(ValidationFailed):
        svc.order_reject(order=order, actor=TEST_ACTOR, reason="  ")
    rejected = svc.order_reject(order=order, actor=TEST_ACTOR, reason="No allocation this month")

    assert rejected.status == OrderStatus.REJECTED
    assert rejected.events.last().reason == "No allocation this month"


def test_schedule_stores_the_monday_and_cancel_holds_until_the_cutoff(camry, clock):
    order = svc.order_confirm(
        order=allow(svc.order_submit(order=_draft(camry), actor=TEST_ACTOR)), actor=TEST_ACTOR
    )
    camry.model.change_cutoff_days = 14
    camry.model.save(update_fields=["change_cutoff_days"])
    week = today() + dt.timedelta(days=30)

    scheduled = svc.order_schedule(order=order, actor=TEST_ACTOR, week=week)

    assert scheduled.production_week.weekday() == 0
    assert scheduled.production_week <= week
    cutoff = svc.order_cutoff(scheduled)
    assert cutoff == scheduled.production_week - dt.timedelta(days=14)
    clock.set(clock.now() + (cutoff - today()) + dt.timedelta(days=1))
    with pytest.raises(Conflict) as raised:
        svc.order_cancel(order=scheduled, actor=TEST_ACTOR, reason="Customer withdrew")
    assert raised.value.details == [{"code": "past_cutoff", "cutoff": cutoff.isoformat()}]
    scheduled.refresh_from_db()
    assert scheduled.status == OrderStatus.SCHEDULED


def test_a_draft_is_amended_freely_and_a_submitted_build_change_is_repriced(camry):
    order = svc.order_submit(order=_draft(camry), actor=TEST_ACTOR)
    before = order.price_total_jpy

    amended = svc.order_amend(
        order=order,
        actor=TEST_ACTOR,
        changes=svc.OrderChanges(option_codes=("PKG-NAV", "MUDGUARD"), notes="雨の多い地域"),
    )

    assert amended.option_codes == ["PKG-NAV", "MUDGUARD"]
    event = amended.events.filter(kind="amended").get()
    assert event.changes["option_codes"] == {"before": ["PKG-NAV"], "after": ["PKG-NAV", "MUDGUARD"]}
    assert event.changes["notes"] == {"before": "", "after": "雨の多い地域"}
    if amended.price_total_jpy != before:
        assert amended.events.filter(kind="repriced").count() == 1


def test_a_confirmed_order_is_not_amended(camry):
    order = svc.order_confirm(
        order=allow(svc.order_submit(order=_draft(camry), actor=TEST_ACTOR)), actor=TEST_ACTOR
    )

    with pytest.raises(Conflict):
        svc.order_amend(order=order, actor=TEST_ACTOR, changes=svc.OrderChanges(notes="x"))


def test_the_move_table_reaches_every_status_and_ends_only_in_final_ones():
    targets = {move.target for move in MOVES.values()}

    assert targets | {OrderStatus.DRAFT} == set(OrderStatus.values)
    assert allowed_moves(OrderStatus.DRAFT) == ["submit", "cancel"]
    assert allowed_moves(OrderStatus.DELIVERED) == []
    assert allowed_moves(OrderStatus.SUBMITTED) == ["confirm", "reject", "cancel"]
