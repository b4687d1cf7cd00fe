"""Allocation through its services: the arithmetic, proposal, override, publication, answers,
redistribution, reservation on confirm and release on cancel; every step a ledger entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import Conflict, ValidationFailed
from importorders.models import Allocation, AllocationEntry, EntryKind, Supply, SupplyStatus
from importorders.models.allocation import QUOTA_KINDS, USE_KINDS, AppendOnly
from importorders.services import allocation as alloc
from importorders.services import orders as svc
from tests.clock import today
from tests.factories import TEST_ACTOR, DealerFactory

pytestmark = pytest.mark.django_db


# --- the arithmetic ------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    total=st.integers(min_value=0, max_value=500),
    weights=st.lists(st.decimals(min_value=-5, max_value=50, places=3), min_size=1, max_size=12),
    minimum=st.integers(min_value=0, max_value=5),
)
def test_largest_remainder_always_adds_up_never_negative_minimum_when_supply_allows(total, weights, minimum):
    keyed = {f"D{i:02d}": w for i, w in enumerate(weights)}

    shares = alloc.largest_remainder(total, keyed, minimum=minimum)

    assert sum(shares.values()) == total
    assert all(units >= 0 for units in shares.values())
    if total >= minimum * len(keyed):
        assert all(units >= minimum for units in shares.values())


@settings(max_examples=200, deadline=None)
@given(
    total=st.integers(min_value=0, max_value=100),
    rows=st.lists(
        st.tuples(st.decimals(min_value=0, max_value=20, places=2), st.integers(min_value=0, max_value=15)),
        min_size=1,
        max_size=8,
    ),
)
def test_capped_shares_never_exceed_what_was_asked_and_use_all_they_can(total, rows):
    weights = {f"D{i}": w for i, (w, _cap) in enumerate(rows)}
    caps = {f"D{i}": cap for i, (_w, cap) in enumerate(rows)}

    shares = alloc.largest_remainder(total, weights, caps=caps)

    assert all(0 <= shares[key] <= caps[key] for key in weights)
    assert sum(shares.values()) == min(total, sum(caps.values()))


def test_largest_remainder_gives_the_leftover_units_to_the_largest_remainders():
    # 10 units by 5 : 3 : 2 after a minimum of 1 each: 7 left, exact 3.5, 2.1, 1.4 → 4, 2, 1.
    shares = alloc.largest_remainder(10, {"A": Decimal(5), "B": Decimal(3), "C": Decimal(2)}, minimum=1)
    assert shares == {"A": 5, "B": 3, "C": 2}
    # Too little for the minimum: nobody gets it, the units go by weight alone.
    assert alloc.largest_remainder(2, {"A": 5, "B": 3, "C": 2}, minimum=1) == {"A": 1, "B": 1, "C": 0}
    # Nothing to go by: equal shares, ties by key.
    assert alloc.largest_remainder(5, {"A": 0, "B": 0}, minimum=0) == {"A": 3, "B": 2}


# --- the workflow ----------------------------------------------------------------------------


def _month(offset: int = 1) -> dt.date:
    first = today().replace(day=1)
    year, month = divmod(first.month - 1 + offset, 12)
    return first.replace(year=first.year + year, month=month + 1)


def _order(camry, dealer, *, kind="sold", n=1, priority=100, submit=True):
    changes = svc.OrderChanges(
        kind=kind,
        customer_reference=f"C{n:03d}" if kind == "sold" else "",
        trim=camry.trim,
        color_code="089",
        option_codes=("PKG-NAV",),
        requested_month=_month(),
        priority=priority,
    )
    order = svc.order_create(dealer=dealer, actor=TEST_ACTOR, changes=changes)
    return svc.order_submit(order=order, actor=TEST_ACTOR) if submit else order


def _ledger_sums(allocation: Allocation) -> tuple[int, int]:
    entries = list(allocation.entries.values_list("kind", "units"))
    return (
        sum(units for kind, units in entries if kind in QUOTA_KINDS),
        sum(units for kind, units in entries if kind in USE_KINDS),
    )


@pytest.fixture
def dealers(db):
    return DealerFactory(code="TKY001"), DealerFactory(code="OSK001"), DealerFactory(code="NGY001")


@pytest.fixture
def proposed(camry, dealers):
    tokyo, osaka, _nagoya = dealers
    for n in range(3):
        _order(camry, tokyo, n=n)  # sold backlog 3
    _order(camry, osaka, n=9)  # sold backlog 1
    supply = alloc.supply_set(vehicle_model=camry.model, month=_month(), actor=TEST_ACTOR, lines={None: 10})
    alloc.allocation_propose(supply=supply, actor=TEST_ACTOR)
    return Supply.objects.get(pk=supply.pk)


def _by_code(supply) -> dict[str, Allocation]:
    return {a.dealer.code: a for a in supply.allocations.select_related("dealer")}


def test_a_proposal_splits_the_supply_by_the_formula_and_records_its_inputs(proposed):
    shares = _by_code(proposed)

    # Minimum 1 each (3), 7 left by backlog 3 : 1 : 0 → 5.25, 1.75, 0 → 5, 2, 0 (+1 by remainder).
    assert {code: a.quota for code, a in shares.items()} == {"TKY001": 6, "OSK001": 3, "NGY001": 1}
    assert sum(a.quota for a in shares.values()) == 10
    entry = shares["TKY001"].entries.get()
    assert entry.kind == EntryKind.PROPOSAL
    assert entry.units == 6
    assert entry.formula.version == 1
    assert entry.inputs["sold_backlog"] == 3
    assert entry.inputs["formula"]["minimum_units"] == 1
    assert proposed.status == SupplyStatus.PROPOSED


def test_an_override_needs_a_reason_and_publish_refuses_figures_that_do_not_add_up(proposed, dealers):
    tokyo, osaka, _ = dealers
    with pytest.raises(ValidationFailed) as raised:
        alloc.allocation_override(supply=proposed, actor=TEST_ACTOR, changes={tokyo: 7}, reason=" ")
    assert "reason" in raised.value.fields
    assert not AllocationEntry.objects.filter(kind=EntryKind.OVERRIDE).exists()

    alloc.allocation_override(supply=proposed, actor=TEST_ACTOR, changes={tokyo: 7}, reason="Fleet deal")
    with pytest.raises(ValidationFailed) as raised:
        alloc.allocation_publish(supply=proposed, actor=TEST_ACTOR, deadline=today() + dt.timedelta(days=7))
    assert raised.value.details[0]["code"] == "not_adding_up"
    assert Supply.objects.get(pk=proposed.pk).status == SupplyStatus.PROPOSED

    alloc.allocation_override(supply=proposed, actor=TEST_ACTOR, changes={osaka: 2}, reason="Fleet deal")
    published = alloc.allocation_publish(
        supply=proposed, actor=TEST_ACTOR, deadline=today() + dt.timedelta(days=7)
    )
    assert published.status == SupplyStatus.PUBLISHED
    override = _by_code(proposed)["TKY001"].entries.get(kind=EntryKind.OVERRIDE)
    assert (override.units, override.reason, override.actor_ref) == (1, "Fleet deal", "test-suite")

    # Published: an override must keep the total, so it moves units between dealers.
    with pytest.raises(ValidationFailed):
        alloc.allocation_override(supply=proposed, actor=TEST_ACTOR, changes={tokyo: 8}, reason="more")
    alloc.allocation_override(supply=proposed, actor=TEST_ACTOR, changes={tokyo: 8, osaka: 1}, reason="swap")
    for allocation in _by_code(proposed).values():
        assert _ledger_sums(allocation) == (allocation.quota, allocation.used)
    assert sum(a.quota for a in _by_code(proposed).values()) == 10


def test_accept_part_declines_the_rest_and_it_goes_to_those_who_asked(proposed, dealers, clock):
    alloc.allocation_publish(supply=proposed, actor=TEST_ACTOR, deadline=today() + dt.timedelta(days=7))
    shares = _by_code(proposed)
    alloc.allocation_request(allocation=shares["OSK001"], actor=TEST_ACTOR, units=2, reason="Showroom event")
    alloc.allocation_request(allocation=shares["NGY001"], actor=TEST_ACTOR, units=1, reason="Taxi fleet")

    with pytest.raises(ValidationFailed):
        alloc.allocation_accept(allocation=shares["TKY001"], actor=TEST_ACTOR, units=7)
    alloc.allocation_accept(allocation=shares["TKY001"], actor=TEST_ACTOR, units=3)

    shares = _by_code(proposed)
    assert (shares["TKY001"].quota, shares["TKY001"].accepted, shares["TKY001"].declined) == (3, 3, 3)
    # Three declined units, asked for 2 + 1: all handed out by the formula within what was asked.
    assert (shares["OSK001"].quota, shares["NGY001"].quota) == (5, 2)
    assert (shares["OSK001"].requested, shares["NGY001"].requested) == (0, 0)
    supply = Supply.objects.get(pk=proposed.pk)
    assert supply.pool == 0
    assert sum(a.quota for a in shares.values()) + supply.pool == 10
    assert shares["OSK001"].entries.filter(kind=EntryKind.REDISTRIBUTION).get().units == 2
    for allocation in shares.values():
        assert _ledger_sums(allocation) == (allocation.quota, allocation.used)

    clock.set(clock.now() + dt.timedelta(days=8))
    with pytest.raises(Conflict) as raised:
        alloc.allocation_decline(allocation=shares["OSK001"], actor=TEST_ACTOR, units=1)
    assert raised.value.code == "deadline_passed"


def test_declined_units_wait_in_the_pool_until_someone_asks(proposed):
    alloc.allocation_publish(supply=proposed, actor=TEST_ACTOR, deadline=today() + dt.timedelta(days=7))
    shares = _by_code(proposed)
    alloc.allocation_decline(allocation=shares["NGY001"], actor=TEST_ACTOR)
    assert Supply.objects.get(pk=proposed.pk).pool == 1
    alloc.allocation_request(allocation=shares["OSK001"], actor=TEST_ACTOR, units=4, reason="Launch")
    osaka = Allocation.objects.get(pk=shares["OSK001"].pk)
    assert (osaka.quota, osaka.requested) == (4, 3)
    assert Supply.objects.get(pk=proposed.pk).pool == 0


def test_confirm_without_a_published_allocation_is_409_and_changes_nothing(camry, dealers):
    order = _order(camry, dealers[0])

    with pytest.raises(Conflict) as raised:
        svc.order_confirm(order=order, actor=TEST_ACTOR)

    assert raised.value.code == "no_allocation"
    order.refresh_from_db()
    assert order.status == "submitted"


def test_confirm_takes_sold_orders_first_in_first_out_then_stock_by_priority(camry, dealers, clock):
    tokyo = dealers[0]
    stock_late = _order(camry, tokyo, kind="stock", priority=5)
    clock.advance(minutes=1)
    sold_first = _order(camry, tokyo, n=1)
    clock.advance(minutes=1)
    sold_second = _order(camry, tokyo, n=2)
    stock_early = _order(camry, tokyo, kind="stock", priority=1)
    supply = alloc.supply_set(vehicle_model=camry.model, month=_month(), actor=TEST_ACTOR, lines={None: 2})
    alloc.allocation_propose(supply=supply, actor=TEST_ACTOR)
    changes = {d: 0 for d in dealers}
    changes[tokyo] = 2
    alloc.allocation_override(supply=supply, actor=TEST_ACTOR, changes=changes, reason="one dealer")
    alloc.allocation_publish(supply=supply, actor=TEST_ACTOR, deadline=today())

    assert [alloc.queue_position(o) for o in (sold_first, sold_second, stock_early, stock_late)] == [
        1,
        2,
        3,
        4,
    ]
    with pytest.raises(Conflict) as raised:
        svc.order_confirm(order=stock_early, actor=TEST_ACTOR)
    assert raised.value.details == [{"code": "allocation_waiting", "position": 3, "remaining": 2}]
    svc.order_confirm(order=sold_second, actor=TEST_ACTOR)
    svc.order_confirm(order=sold_first, actor=TEST_ACTOR)
    with pytest.raises(Conflict) as raised:
        svc.order_confirm(order=stock_early, actor=TEST_ACTOR)
    assert raised.value.details == [{"code": "allocation_waiting", "position": 1, "remaining": 0}]

    allocation = Allocation.objects.get(supply=supply, dealer=tokyo)
    assert (allocation.quota, allocation.used) == (2, 2)
    # Cancelling a confirmed order gives its unit back; the next in line may then take it.
    svc.order_cancel(order=sold_first, actor=TEST_ACTOR, reason="Customer withdrew")
    allocation.refresh_from_db()
    assert allocation.used == 1
    svc.order_confirm(order=stock_early, actor=TEST_ACTOR)
    allocation.refresh_from_db()
    assert _ledger_sums(allocation) == (allocation.quota, allocation.used) == (2, 2)
    kinds = list(allocation.entries.values_list("kind", flat=True))
    assert kinds == ["proposal", "override", "publish", "reserve", "reserve", "release", "reserve"]


def test_the_ledger_is_append_only(proposed):
    entry = AllocationEntry.objects.first()
    entry.reason = "changed"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()


def test_supply_set_records_its_actor_replaces_lines_and_refuses_a_published_month(camry, dealers):
    supply = alloc.supply_set(vehicle_model=camry.model, month=_month(), actor=TEST_ACTOR, lines={None: 4})
    line = supply.lines.get()
    assert (line.actor_kind, line.actor_ref, line.units) == ("system", "test-suite", 4)
    with pytest.raises(ValidationFailed):
        alloc.supply_set(vehicle_model=camry.model, month=_month(), actor=TEST_ACTOR, lines={None: -1})
    assert list(supply.lines.values_list("units", flat=True)) == [4]
    alloc.allocation_propose(supply=supply, actor=TEST_ACTOR)
    alloc.allocation_publish(supply=supply, actor=TEST_ACTOR, deadline=today() + dt.timedelta(days=7))
    with pytest.raises(Conflict) as refused:
        alloc.supply_set(vehicle_model=camry.model, month=_month(), actor=TEST_ACTOR, lines={None: 9})
    assert refused.value.code == "already_published"
    assert list(supply.lines.values_list("units", flat=True)) == [4]
