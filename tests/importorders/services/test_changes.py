"""Change requests through their services: every rule, before and after the cut-off, nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from catalog.errors import ConfigurationInvalid
from core.actors import Actor
from core.errors import Conflict, ValidationFailed
from importorders.models import ChangeRequest, OrderEvent, OrderStatus
from importorders.pipeline import order_cutoff
from importorders.services import changes
from importorders.services import orders as svc
from tests.catalog.factories import FxRateFactory
from tests.clock import today
from tests.factories import DealerFactory, StaffUserFactory, dealer_user
from tests.importorders.changes import everything, install_options, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def dealer():
    return DealerFactory(code="TKY001")


@pytest.fixture
def sales(dealer):
    return Actor.for_user(dealer_user(dealer=dealer, username="tky-sales"))


@pytest.fixture
def ops():
    return Actor.for_user(StaffUserFactory(username="ops", groups=["operations"]))


@pytest.fixture
def world(camry):
    install_options(camry)
    return camry


@pytest.fixture
def heard(monkeypatch):
    """What the on_order_event listeners are called with, after commit."""
    calls: list[tuple] = []
    monkeypatch.setattr(
        svc, "_event_listeners", [lambda order, event, actor: calls.append((order, event, actor))]
    )
    return calls


def _ask(order, actor, *, color="218", options=None, reason="The customer prefers black."):
    return changes.change_request_create(
        order=order, actor=actor, color_code=color, option_codes=options, reason=reason
    )


def _kinds(order) -> list[str]:
    return list(order.events.order_by("at", "id").values_list("kind", flat=True))


def _jump_to(clock, day: dt.date) -> None:
    """Move the pinned clock by whole days so that today (Japan) is `day`, which has its FX rate."""
    clock.set(clock.now() + (day - today()))
    FxRateFactory(rate_date=today(), rate=Decimal("150.1200"))


# Asking ------------------------------------------------------------------------------------------


def test_a_colour_change_on_a_confirmed_order_is_a_pending_request_with_both_prices(
    world, dealer, sales, heard, django_capture_on_commit_callbacks
):
    order = place(dealer, world)

    with django_capture_on_commit_callbacks(execute=True):
        request = _ask(order, sales)

    assert request.status == ChangeRequest.Status.PENDING
    assert (request.color_before.code, request.color_after.code) == ("089", "218")
    assert request.option_codes_before == request.option_codes_after == ["PKG-NAV"]
    assert request.price_before_total_jpy == order.price_total_jpy
    # Colour 089 costs USD 455, 218 nothing: the new total is lower, priced today.
    assert request.price_after_total_jpy < request.price_before_total_jpy
    assert request.priced_on == today()
    lines = {line["code"]: line for line in request.price_after_lines}
    assert lines["total"]["amount_jpy"] == str(request.price_after_total_jpy)
    assert "color:218" in lines
    assert "color:089" not in lines
    assert (request.requested_by_kind, request.requested_by_label) == ("user", "tky-sales")
    event = order.events.get(kind=OrderEvent.Kind.CHANGE_REQUESTED)
    assert event.reason == "The customer prefers black."
    assert event.changes == {
        "change_request": request.pk,
        "color": {"before": "089", "after": "218"},
        "option_codes": {"before": ["PKG-NAV"], "after": ["PKG-NAV"]},
        "price_total_jpy": {
            "before": str(request.price_before_total_jpy),
            "after": str(request.price_after_total_jpy),
        },
    }
    assert [(o.pk, e.pk, a) for o, e, a in heard] == [(order.pk, event.pk, sales)]
    order.refresh_from_db()
    assert order.color.code == "089"  # nothing applies before operations approve


def test_port_options_are_added_and_removed_freely(world, dealer, sales):
    order = place(dealer, world)
    first = _ask(order, sales, color=None, options=["PKG-NAV", "MUDGUARD", "RACK", "RAILS"])
    assert first.color_after.code == "089"
    assert first.options_added == ["MUDGUARD", "RACK", "RAILS"]
    changes.change_request_withdraw(change_request=first, actor=sales)

    second = _ask(order, sales, color=None, options=["PKG-NAV", "MUDGUARD"])

    assert second.option_codes_after == ["PKG-NAV", "MUDGUARD"]


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (["PKG-NAV", "ROOF"], ["ROOF"]),  # adding a factory option
        ([], ["PKG-NAV"]),  # removing one
        (["ROOF", "MUDGUARD"], ["ROOF", "PKG-NAV"]),  # both: each named
    ],
)
def test_a_factory_option_added_or_removed_is_400_naming_each_and_writes_nothing(
    world, dealer, sales, options, named
):
    order = place(dealer, world)
    before = everything()

    with pytest.raises(ValidationFailed) as raised:
        _ask(order, sales, options=options)

    assert raised.value.code == "factory_option"
    assert [detail["option"] for detail in raised.value.details] == named
    assert list(raised.value.fields) == ["options"]
    assert all(code in message for code, message in zip(named, raised.value.fields["options"], strict=True))
    assert everything() == before


def test_a_broken_rule_is_400_naming_every_rule_and_writes_nothing(world, dealer, sales):
    order = place(dealer, world)
    before = everything()

    with pytest.raises(ConfigurationInvalid) as raised:
        _ask(order, sales, color="3U5", options=["PKG-NAV", "RACK", "NOSUCH"])

    assert sorted(detail["code"] for detail in raised.value.details) == [
        "color_not_available",
        "missing_required_option",
        "unknown_option",
    ]
    assert everything() == before


def test_asking_for_the_build_the_order_has_is_400(world, dealer, sales):
    order = place(dealer, world)
    before = everything()

    with pytest.raises(ValidationFailed) as raised:
        _ask(order, sales, color="089", options=["PKG-NAV"])

    assert raised.value.code == "no_change"
    assert everything() == before


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_request_needs_a_reason(world, dealer, sales, reason):
    order = place(dealer, world)
    before = everything()

    with pytest.raises(ValidationFailed) as raised:
        _ask(order, sales, reason=reason)

    assert list(raised.value.fields) == ["reason"]
    assert everything() == before


@pytest.mark.parametrize("status", [OrderStatus.DRAFT, OrderStatus.SUBMITTED])
def test_before_confirmation_there_is_no_change_request_the_order_is_amended(world, dealer, sales, status):
    order = place(dealer, world, status)
    before = everything()

    with pytest.raises(Conflict) as raised:
        _ask(order, sales)

    assert raised.value.code == "not_changeable"
    assert raised.value.details == [{"code": "not_changeable", "status": status}]
    assert everything() == before


def test_a_cancelled_order_is_not_changed(world, dealer, sales):
    order = svc.order_cancel(order=place(dealer, world), actor=sales, reason="Customer withdrew")

    with pytest.raises(Conflict) as raised:
        _ask(order, sales)

    assert raised.value.code == "not_changeable"


def test_a_scheduled_order_changes_until_its_cutoff_day_and_not_after(world, dealer, sales, clock):
    order = place(dealer, world, OrderStatus.SCHEDULED, week_in_days=40)
    cutoff = order_cutoff(order)
    assert cutoff == order.production_week - dt.timedelta(days=world.model.change_cutoff_days)

    _jump_to(clock, cutoff)
    on_the_day = _ask(order, sales)
    changes.change_request_withdraw(change_request=on_the_day, actor=sales)
    _jump_to(clock, cutoff + dt.timedelta(days=1))
    before = everything()

    with pytest.raises(Conflict) as raised:
        _ask(order, sales, color="089", options=["PKG-NAV", "MUDGUARD"])

    assert on_the_day.status == ChangeRequest.Status.PENDING
    assert raised.value.code == "past_cutoff"
    assert raised.value.details == [{"code": "past_cutoff", "cutoff": cutoff.isoformat()}]
    assert everything() == before


def test_the_cutoff_is_the_day_in_japan(world, dealer, sales, clock):
    order = place(dealer, world, OrderStatus.SCHEDULED, week_in_days=40)
    cutoff = order_cutoff(order)
    # 23:59:59 on the cut-off day in Japan is 14:59:59 UTC: still allowed; a second later it is not.
    last_second = dt.datetime.combine(cutoff, dt.time(23, 59, 59), tzinfo=dt.timezone(dt.timedelta(hours=9)))
    clock.set(last_second)
    FxRateFactory(rate_date=cutoff, rate=Decimal("150.1200"))
    _ask(order, sales)
    changes.change_request_withdraw(change_request=order.change_requests.get(), actor=sales)
    clock.advance(seconds=1)

    with pytest.raises(Conflict) as raised:
        _ask(order, sales)

    assert raised.value.code == "past_cutoff"


def test_one_pending_request_per_order(world, dealer, sales):
    order = place(dealer, world)
    first = _ask(order, sales)
    before = everything()

    again = _ask(order, sales)  # an exact repeat (a retry): the same request, nothing recorded
    with pytest.raises(Conflict) as raised:
        _ask(order, sales, color=None, options=["PKG-NAV", "MUDGUARD"])

    assert again.pk == first.pk
    assert raised.value.code == "change_request_pending"
    assert raised.value.details == [{"code": "change_request_pending", "change_request": first.pk}]
    assert everything() == before


def test_the_database_keeps_one_pending_request_per_order(world, dealer, sales):
    order = place(dealer, world)
    first = _ask(order, sales)
    copy = ChangeRequest.objects.filter(pk=first.pk).values().get()
    del copy["id"]

    with pytest.raises(IntegrityError), transaction.atomic():
        ChangeRequest.objects.create(**copy)
    copy["status"] = ChangeRequest.Status.WITHDRAWN
    ChangeRequest.objects.create(**copy)  # any number of decided ones

    assert order.change_requests.count() == 2


def test_the_database_refuses_a_refusal_without_a_reason(world, dealer, sales):
    request = _ask(place(dealer, world), sales)

    with pytest.raises(IntegrityError), transaction.atomic():
        ChangeRequest.objects.filter(pk=request.pk).update(status=ChangeRequest.Status.REFUSED)


# Deciding ----------------------------------------------------------------------------------------


def test_approval_applies_the_build_reprices_and_records_before_and_after(
    world, dealer, sales, ops, heard, django_capture_on_commit_callbacks
):
    order = place(dealer, world)
    request = _ask(order, sales, options=["PKG-NAV", "MUDGUARD"])
    total_before = order.price_total_jpy

    with django_capture_on_commit_callbacks(execute=True):
        approved = changes.change_request_approve(change_request=request, actor=ops)

    order.refresh_from_db()
    assert approved.status == ChangeRequest.Status.APPROVED
    assert (approved.decided_by_label, approved.decided_at is not None) == ("ops", True)
    assert (order.color.code, order.option_codes) == ("218", ["PKG-NAV", "MUDGUARD"])
    assert order.price_total_jpy == approved.price_after_total_jpy != total_before
    assert order.priced_on == today()
    assert order.status == OrderStatus.CONFIRMED
    assert order.fx_rate is not None  # the rate of confirmation stays recorded
    assert _kinds(order)[-3:] == ["change_requested", "repriced", "change_approved"]
    repriced = order.events.get(kind="repriced")
    assert repriced.changes["price_total_jpy"] == {
        "before": str(total_before),
        "after": str(order.price_total_jpy),
    }
    assert repriced.changes["change_request"] == request.pk
    approved_event = order.events.get(kind="change_approved")
    assert approved_event.changes["color"] == {"before": "089", "after": "218"}
    assert approved_event.changes["option_codes"] == {"before": ["PKG-NAV"], "after": ["PKG-NAV", "MUDGUARD"]}
    assert (approved_event.actor_kind, approved_event.actor_label) == ("user", "ops")
    assert [e.kind for _, e, _ in heard] == ["change_approved"]


def test_approving_again_is_a_repeat_and_refusing_after_is_409(world, dealer, sales, ops):
    request = _ask(place(dealer, world), sales)
    changes.change_request_approve(change_request=request, actor=ops)
    before = everything()

    again = changes.change_request_approve(change_request=request, actor=ops)
    with pytest.raises(Conflict) as raised:
        changes.change_request_refuse(change_request=request, actor=ops, reason="Changed my mind")
    with pytest.raises(Conflict):
        changes.change_request_withdraw(change_request=request, actor=sales)

    assert again.status == ChangeRequest.Status.APPROVED
    assert raised.value.code == "change_request_decided"
    assert raised.value.details == [{"code": "change_request_decided", "status": "approved"}]
    assert everything() == before


def test_approval_after_the_cutoff_is_409_with_the_cutoff_and_writes_nothing(
    world, dealer, sales, ops, clock
):
    order = place(dealer, world, OrderStatus.SCHEDULED, week_in_days=40)
    request = _ask(order, sales)
    cutoff = order_cutoff(order)
    _jump_to(clock, cutoff + dt.timedelta(days=1))
    before = everything()

    with pytest.raises(Conflict) as raised:
        changes.change_request_approve(change_request=request, actor=ops)

    assert raised.value.code == "past_cutoff"
    assert raised.value.details == [{"code": "past_cutoff", "cutoff": cutoff.isoformat()}]
    assert everything() == before
    # Refusing is still possible: the dealer reads why.
    refused = changes.change_request_refuse(change_request=request, actor=ops, reason="Past the cut-off.")
    assert refused.status == ChangeRequest.Status.REFUSED


def test_approval_of_an_order_cancelled_meanwhile_is_409(world, dealer, sales, ops):
    order = place(dealer, world)
    request = _ask(order, sales)
    svc.order_cancel(order=order, actor=sales, reason="Customer withdrew")
    before = everything()

    with pytest.raises(Conflict) as raised:
        changes.change_request_approve(change_request=request, actor=ops)

    assert raised.value.code == "not_changeable"
    assert everything() == before


def test_approval_checks_the_build_again(world, dealer, sales, ops):
    order = place(dealer, world)
    request = _ask(order, sales, options=["PKG-NAV", "MUDGUARD"])
    world.options["MUDGUARD"].trim_options.all().delete()  # no longer offered on the trim
    before = everything()

    with pytest.raises(ConfigurationInvalid) as raised:
        changes.change_request_approve(change_request=request, actor=ops)

    assert [detail["code"] for detail in raised.value.details] == ["option_not_available"]
    assert everything() == before


@pytest.mark.parametrize("reason", ["", "  "])
def test_a_refusal_needs_a_reason(world, dealer, sales, ops, reason):
    request = _ask(place(dealer, world), sales)
    before = everything()

    with pytest.raises(ValidationFailed) as raised:
        changes.change_request_refuse(change_request=request, actor=ops, reason=reason)

    assert list(raised.value.fields) == ["reason"]
    assert everything() == before


def test_a_refusal_keeps_the_order_and_records_the_reason(world, dealer, sales, ops):
    order = place(dealer, world)
    request = _ask(order, sales)

    refused = changes.change_request_refuse(
        change_request=request, actor=ops, reason=" No black paint slots. "
    )

    order.refresh_from_db()
    assert (refused.status, refused.decision_reason) == (
        ChangeRequest.Status.REFUSED,
        "No black paint slots.",
    )
    assert order.color.code == "089"
    event = order.events.get(kind="change_refused")
    assert event.reason == "No black paint slots."
    assert event.changes["color"] == {"before": "089", "after": "218"}
    # Another request may follow.
    assert _ask(order, sales, color=None, options=["PKG-NAV", "MUDGUARD"]).status == "pending"


def test_withdrawal_is_recorded_and_repeatable(world, dealer, sales):
    order = place(dealer, world)
    request = _ask(order, sales)

    withdrawn = changes.change_request_withdraw(change_request=request, actor=sales)
    again = changes.change_request_withdraw(change_request=request, actor=sales)

    assert withdrawn.status == again.status == ChangeRequest.Status.WITHDRAWN
    assert _kinds(order).count("change_withdrawn") == 1


def test_the_quote_for_the_form_writes_nothing(world, dealer, sales):
    order = place(dealer, world)
    before = everything()

    quote = changes.change_request_quote(order=order, color_code="218", option_codes=None)

    assert quote.color.code == "218"
    assert quote.quote.total_jpy < quote.price_before_jpy
    assert everything() == before


# Scheduling (the cut-off of the week) ------------------------------------------------------------


def test_a_week_whose_cutoff_has_passed_is_not_scheduled(world, dealer, ops):
    order = place(dealer, world)
    days = world.model.change_cutoff_days
    # This week's Monday plus a week or two lies after today but before today + the cut-off days.
    soon = today() + dt.timedelta(days=7)
    soon_monday = soon - dt.timedelta(days=soon.weekday())
    cutoff = soon_monday - dt.timedelta(days=days)
    before = everything()

    with pytest.raises(ValidationFailed) as raised:
        svc.order_schedule(order=order, actor=ops, week=soon)

    assert list(raised.value.fields) == ["week"]
    assert cutoff.isoformat() in raised.value.fields["week"][0]
    assert raised.value.details == [{"code": "cutoff_passed", "field": "week", "cutoff": cutoff.isoformat()}]
    assert everything() == before


def test_the_first_week_whose_cutoff_is_today_is_scheduled(world, dealer, ops):
    order = place(dealer, world)
    days = world.model.change_cutoff_days
    # The Monday exactly `days` after today, if today + days is a Monday; else the next Monday after.
    earliest = today() + dt.timedelta(days=days)
    monday = earliest + dt.timedelta(days=(7 - earliest.weekday()) % 7)

    scheduled = svc.order_schedule(order=order, actor=ops, week=monday)
    previous_monday = monday - dt.timedelta(days=7)

    assert scheduled.production_week == monday
    assert order_cutoff(scheduled) >= today()
    assert previous_monday - dt.timedelta(days=days) < today()


def test_a_week_in_the_past_is_not_scheduled(world, dealer, ops):
    order = place(dealer, world)

    with pytest.raises(ValidationFailed) as raised:
        svc.order_schedule(order=order, actor=ops, week=today() - dt.timedelta(days=7))

    assert list(raised.value.fields) == ["week"]


def test_prices_are_whole_yen(world, dealer, sales):
    request = _ask(place(dealer, world), sales)

    assert request.price_after_total_jpy == request.price_after_total_jpy.to_integral_value()
    assert isinstance(request.price_difference_jpy, Decimal)
