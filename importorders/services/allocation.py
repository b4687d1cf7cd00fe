"""Allocation: supply, the proposal by formula, overrides, publication, the dealers' answers,
redistribution, and the unit each confirmed order reserves (docs/allocation.md).

Every service takes the actor, locks in the order importorders.locks states (order → supply →
allocation), refuses a move the state forbids with 409 and bad input with 400 (nothing written),
and writes one ledger entry (AllocationEntry) per allocation it changes. A database constraint
(`used <= quota`) is the last line behind the row lock of `allocation_reserve`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils.translation import gettext as _

from core import clock
from core.actors import Actor
from core.errors import Conflict, ValidationFailed
from importorders.locks import allocation_lock, allocations_lock, supply_lock
from importorders.models import (
    Allocation,
    AllocationEntry,
    AllocationFormula,
    Dealer,
    EntryKind,
    Order,
    OrderKind,
    OrderStatus,
    Supply,
    SupplyLine,
    SupplyStatus,
)

# The first formula, written when none exists yet (docs/allocation.md, "The formula").
DEFAULT_FORMULA = {
    "weight_backlog": Decimal("1.000"),
    "weight_stock": Decimal("-0.500"),
    "weight_deliveries": Decimal("0.500"),
    "delivery_months": 3,
    "minimum_units": 1,
}


# --------------------------------------------------------------------------------------------
# The arithmetic: pure, and tested with Hypothesis (tests/importorders/services/test_allocation*).


def largest_remainder(
    total: int,
    weights: Mapping[Hashable, Decimal | Fraction | int],
    *,
    minimum: int = 0,
    caps: Mapping[Hashable, int] | None = None,
) -> dict[Hashable, int]:
    """Split `total` units among the keys of `weights` so the shares add up to exactly `total`.

    Each key first gets `minimum` when `total` covers a minimum for every key (else nobody does);
    the rest goes by weight (negative weights count as 0; all zero: equal shares), each share's
    whole part first, then one unit each to the largest remainders (ties: larger weight, then key
    order). With `caps`, no key gets more than its cap: the excess is shared among the others
    again, and what no key can take is left out (the shares then add up to the sum of the caps).
    """
    keys = sorted(weights, key=str)
    if not keys or total <= 0:
        return {key: 0 for key in keys}
    if caps is not None:
        return _capped(total, weights, caps, keys)
    base = minimum if minimum > 0 and total >= minimum * len(keys) else 0
    rest = total - base * len(keys)
    clean = {key: max(Fraction(weights[key]), Fraction(0)) for key in keys}
    weight_sum = sum(clean.values())
    if weight_sum == 0:
        clean = {key: Fraction(1) for key in keys}
        weight_sum = Fraction(len(keys))
    exact = {key: rest * clean[key] / weight_sum for key in keys}
    shares = {key: int(exact[key]) for key in keys}  # floor: every value is >= 0
    left = rest - sum(shares.values())
    by_remainder = sorted(keys, key=lambda key: (-(exact[key] - shares[key]), -clean[key], keys.index(key)))
    for key in by_remainder[:left]:
        shares[key] += 1
    return {key: shares[key] + base for key in keys}


def _capped(total: int, weights, caps, keys) -> dict[Hashable, int]:
    shares = {key: 0 for key in keys}
    open_keys = [key for key in keys if caps.get(key, 0) > 0]
    left = min(total, sum(caps.get(key, 0) for key in keys))
    while left > 0 and open_keys:
        split = largest_remainder(left, {key: weights[key] for key in open_keys})
        full = [key for key in open_keys if shares[key] + split[key] >= caps[key]]
        if not full:
            for key in open_keys:
                shares[key] += split[key]
            break
        for key in full:
            left -= caps[key] - shares[key]
            shares[key] = caps[key]
        open_keys = [key for key in open_keys if key not in full]
    return shares


# --------------------------------------------------------------------------------------------
# Reads the services share.


def formula_current(*, actor: Actor) -> AllocationFormula:
    """The newest formula version; the default version 1 is written the first time it is needed."""
    formula = AllocationFormula.objects.order_by("-version").first()
    if formula is None:
        formula, _created = AllocationFormula.objects.get_or_create(
            version=1, defaults={**DEFAULT_FORMULA, "notes": f"default, first used by {actor.label}"}
        )
    return formula


def _months_back(moment: dt.datetime, months: int) -> dt.datetime:
    """The same instant `months` calendar months earlier (the day clamped to the month's last)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


@dataclass(frozen=True)
class DealerInputs:
    """What the formula reads of one dealer for one model and month."""

    backlog: int
    stock: int
    deliveries: int

    def score(self, formula: AllocationFormula) -> Decimal:
        raw = (
            self.backlog * formula.weight_backlog
            + self.stock * formula.weight_stock
            + self.deliveries * formula.weight_deliveries
        )
        return max(raw, Decimal(0))

    def as_inputs(self, formula: AllocationFormula) -> dict[str, Any]:
        return {
            "sold_backlog": self.backlog,
            "stock_on_hand": self.stock,
            "deliveries": self.deliveries,
            "score": str(self.score(formula)),
        }


def dealer_inputs(
    *, supply: Supply, formula: AllocationFormula, dealer_ids: Iterable[int]
) -> dict[int, DealerInputs]:
    """The formula's inputs for each dealer, in one query (docs/allocation.md defines each)."""
    dealer_ids = list(dealer_ids)
    since = _months_back(clock.now(), formula.delivery_months)
    delivered_recently = Q(status=OrderStatus.DELIVERED, status_changed_at__gte=since)
    rows = (
        Order.objects.filter(
            dealer_id__in=dealer_ids, trim__model_year__vehicle_model_id=supply.vehicle_model_id
        )
        .values("dealer_id")
        .annotate(
            backlog=Count(
                "id",
                filter=Q(kind=OrderKind.SOLD, status=OrderStatus.SUBMITTED, requested_month=supply.month),
            ),
            stock=Count(
                "id",
                filter=Q(kind=OrderKind.STOCK) & (Q(status=OrderStatus.READY) | delivered_recently),
            ),
            deliveries=Count("id", filter=delivered_recently),
        )
        .order_by()
    )
    found = {row["dealer_id"]: DealerInputs(row["backlog"], row["stock"], row["deliveries"]) for row in rows}
    return {dealer_id: found.get(dealer_id, DealerInputs(0, 0, 0)) for dealer_id in dealer_ids}


def supply_total(supply: Supply) -> int:
    return sum(supply.lines.values_list("units", flat=True))


def _entry(
    allocation: Allocation,
    actor: Actor,
    kind: str,
    *,
    units: int = 0,
    inputs: dict | None = None,
    formula: AllocationFormula | None = None,
    order: Order | None = None,
    reason: str = "",
) -> AllocationEntry:
    entry = AllocationEntry(
        allocation=allocation,
        kind=kind,
        units=units,
        quota_after=allocation.quota,
        used_after=allocation.used,
        inputs=inputs or {},
        formula=formula,
        order=order,
        reason=reason,
    )
    entry.actor_fill(actor)
    entry.save()
    return entry


def _not_before_publish(supply: Supply) -> None:
    if supply.status == SupplyStatus.PUBLISHED:
        raise Conflict(
            _("This month's allocation has been published: change it by an override with a reason."),
            code="already_published",
        )


def _require_published(supply: Supply) -> None:
    if supply.status != SupplyStatus.PUBLISHED:
        raise Conflict(_("This month's allocation has not been published."), code="not_published")


def _require_open(supply: Supply) -> None:
    _require_published(supply)
    if supply.deadline is not None and clock.today_jst() > supply.deadline:
        raise Conflict(
            _("The deadline to answer for this month was %(deadline)s.") % {"deadline": supply.deadline},
            code="deadline_passed",
            details=[{"code": "deadline_passed", "deadline": supply.deadline.isoformat()}],
        )


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Give a reason.")]})
    return reason


# --------------------------------------------------------------------------------------------
# Operations: supply, proposal, override, publication.


def supply_set(*, vehicle_model, month: dt.date, actor: Actor, lines: Mapping[Any, int]) -> Supply:
    """Enter (or replace, before publication) the units of a model in a month, per plant or None."""
    if month.day != 1:
        raise ValidationFailed(fields={"month": [_("Give a month (its first day).")]})
    if any(units < 0 for units in lines.values()):
        raise ValidationFailed(fields={"units": [_("Units cannot be negative.")]})
    with transaction.atomic():
        supply, _created = Supply.objects.get_or_create(vehicle_model=vehicle_model, month=month)
        supply = supply_lock(supply.pk)
        _not_before_publish(supply)
        supply.lines.all().delete()
        new_lines = [SupplyLine(supply=supply, plant=plant, units=units) for plant, units in lines.items()]
        for line in new_lines:
            line.actor_fill(actor)
        SupplyLine.objects.bulk_create(new_lines)
        if supply.status == SupplyStatus.PROPOSED:
            supply.status = SupplyStatus.DRAFT  # the proposal no longer matches the supply
            supply.save(update_fields=["status", "updated_at"])
    return supply


def allocation_propose(*, supply: Supply, actor: Actor) -> list[Allocation]:
    """Split the month's supply among the active dealers by the current formula (before publication).

    Each dealer's allocation gets a `proposal` entry with its inputs, its score and the formula's
    version; its units are the change from the quota it had (a re-proposal replaces overrides).
    """
    with transaction.atomic():
        supply = supply_lock(supply.pk)
        _not_before_publish(supply)
        formula = formula_current(actor=actor)
        total = supply_total(supply)
        dealer_ids = list(Dealer.objects.filter(active=True).order_by("pk").values_list("pk", flat=True))
        existing = {a.dealer_id: a for a in allocations_lock(supply)}
        inputs = dealer_inputs(supply=supply, formula=formula, dealer_ids=dealer_ids)
        shares = largest_remainder(
            total, {d: inputs[d].score(formula) for d in dealer_ids}, minimum=formula.minimum_units
        )
        result = []
        for dealer_id in sorted(set(dealer_ids) | set(existing)):
            allocation = existing.get(dealer_id) or Allocation.objects.create(
                supply=supply, dealer_id=dealer_id
            )
            units = shares.get(dealer_id, 0)
            change = units - allocation.quota
            allocation.proposed = units
            allocation.overridden = None
            allocation.quota = units
            allocation.save()
            dealer_in = inputs.get(dealer_id, DealerInputs(0, 0, 0))
            _entry(
                allocation,
                actor,
                EntryKind.PROPOSAL,
                units=change,
                formula=formula,
                inputs={
                    **dealer_in.as_inputs(formula),
                    "active": dealer_id in inputs,
                    "supply": total,
                    "dealers": len(dealer_ids),
                    "total_score": str(sum(inputs[d].score(formula) for d in dealer_ids)),
                    "formula": formula.as_inputs(),
                },
            )
            result.append(allocation)
        supply.status = SupplyStatus.PROPOSED
        supply.formula = formula
        supply.pool = total - sum(shares.values())
        supply.save()
    return result


def allocation_override(
    *,
    supply: Supply,
    actor: Actor,
    changes: Mapping[Dealer, int],
    reason: str,
    kind: str = EntryKind.OVERRIDE,
) -> list[Allocation]:
    """Set some dealers' quotas by hand, with a reason (an `override` entry each).

    Before publication the figures may stop adding up (publication then refuses); after it, the
    quotas and the units held back must still add up to the supply, so one override moves units
    between dealers. A quota below the units already used is refused.
    """
    reason = _reason(reason)
    if not changes:
        raise ValidationFailed(fields={"changes": [_("Name at least one dealer.")]})
    with transaction.atomic():
        supply = supply_lock(supply.pk)
        if supply.status == SupplyStatus.DRAFT:
            raise Conflict(_("Propose this month's allocation before overriding it."), code="not_proposed")
        by_dealer = {a.dealer_id: a for a in allocations_lock(supply)}
        errors: dict[str, list[str]] = {}
        for dealer, units in changes.items():
            allocation = by_dealer.get(dealer.pk)
            if units < 0:
                errors[f"changes.{dealer.code}"] = [_("Units cannot be negative.")]
            elif allocation is not None and units < allocation.used:
                errors[f"changes.{dealer.code}"] = [
                    _("%(dealer)s has already used %(used)s units.")
                    % {"dealer": dealer.code, "used": allocation.used}
                ]
        if errors:
            raise ValidationFailed(fields=errors)
        total = supply_total(supply)
        after = {dealer_id: a.quota for dealer_id, a in by_dealer.items()}
        after.update({dealer.pk: units for dealer, units in changes.items()})
        if supply.status == SupplyStatus.PUBLISHED and sum(after.values()) + supply.pool != total:
            raise ValidationFailed(
                _("The allocation would no longer add up to the supply of %(total)s units.")
                % {"total": total},
                fields={
                    "changes": [_("Published quotas must add up to the supply: move units between dealers.")]
                },
                details=[
                    {"code": "not_adding_up", "supply": total, "allocated": sum(after.values()) + supply.pool}
                ],
            )
        result = []
        for dealer, units in changes.items():
            allocation = by_dealer.get(dealer.pk) or Allocation.objects.create(supply=supply, dealer=dealer)
            change = units - allocation.quota
            if change == 0 and allocation.overridden == units:
                continue
            allocation.overridden = units
            allocation.quota = units
            if allocation.accepted is not None and allocation.accepted > units:
                allocation.accepted = units
            allocation.save()
            _entry(
                allocation,
                actor,
                kind,
                units=change,
                reason=reason,
                formula=supply.formula,
                inputs={"proposed": allocation.proposed, "override": units},
            )
            result.append(allocation)
    return result


def allocation_publish(*, supply: Supply, actor: Actor, deadline: dt.date) -> Supply:
    """Show a proposed month to its dealers, who answer by `deadline` (a day in Japan).

    Refused (400) when the quotas do not add up to the supply; an exact repeat returns the supply.
    """
    with transaction.atomic():
        supply = supply_lock(supply.pk)
        if supply.status == SupplyStatus.PUBLISHED:
            if supply.deadline != deadline:
                raise Conflict(
                    _("This month's allocation has already been published."), code="already_published"
                )
            return supply
        if supply.status != SupplyStatus.PROPOSED:
            raise Conflict(_("Propose this month's allocation before publishing it."), code="not_proposed")
        if deadline < clock.today_jst():
            raise ValidationFailed(fields={"deadline": [_("The deadline has passed.")]})
        allocations = allocations_lock(supply)
        total = supply_total(supply)
        allocated = sum(a.quota for a in allocations)
        if allocated + supply.pool != total:
            raise ValidationFailed(
                _("The quotas add up to %(allocated)s units, the supply is %(total)s.")
                % {"allocated": allocated + supply.pool, "total": total},
                details=[{"code": "not_adding_up", "supply": total, "allocated": allocated + supply.pool}],
            )
        supply.status = SupplyStatus.PUBLISHED
        supply.deadline = deadline
        supply.published_at = clock.now()
        supply.save()
        for allocation in allocations:
            _entry(
                allocation,
                actor,
                EntryKind.PUBLISH,
                formula=supply.formula,
                inputs={"deadline": deadline.isoformat()},
            )
    return supply


# --------------------------------------------------------------------------------------------
# Dealers: accept, decline, ask for more; redistribution of what was declined.


def _load(allocation: Allocation) -> tuple[Supply, Allocation]:
    supply = supply_lock(allocation.supply_id)
    return supply, allocation_lock(allocation.pk)


def allocation_accept(*, allocation: Allocation, actor: Actor, units: int | None = None) -> Allocation:
    """Accept `units` (all by default) of a published quota; the rest is declined in the same step."""
    with transaction.atomic():
        supply, locked = _load(allocation)
        _require_open(supply)
        units = locked.quota if units is None else units
        if units < 0 or units > locked.quota:
            raise ValidationFailed(
                fields={"units": [_("Accept between 0 and %(quota)s units.") % {"quota": locked.quota}]}
            )
        if units < locked.used:
            raise ValidationFailed(
                fields={
                    "units": [
                        _("%(used)s units are already used by confirmed orders.") % {"used": locked.used}
                    ]
                }
            )
        if locked.accepted == units == locked.quota:
            return locked
        rest = locked.quota - units
        locked.accepted = units
        locked.save()
        _entry(locked, actor, EntryKind.ACCEPT, inputs={"accepted": units, "of": units + rest})
        if rest:
            _decline(supply, locked, actor, rest, _("Not accepted."))
        supply.save()
        _redistribute(supply, actor)
    return locked


def _decline(supply: Supply, locked: Allocation, actor: Actor, units: int, reason: str) -> None:
    locked.quota -= units
    locked.declined += units
    if locked.accepted is not None and locked.accepted > locked.quota:
        locked.accepted = locked.quota
    locked.save()
    supply.pool += units
    _entry(locked, actor, EntryKind.DECLINE, units=-units, reason=reason, inputs={"declined": units})


def allocation_decline(
    *, allocation: Allocation, actor: Actor, units: int | None = None, reason: str = ""
) -> Allocation:
    """Give back `units` (every unused unit by default) of a published quota before the deadline."""
    with transaction.atomic():
        supply, locked = _load(allocation)
        _require_open(supply)
        free = locked.quota - locked.used
        units = free if units is None else units
        if units <= 0 or units > free:
            raise ValidationFailed(
                fields={"units": [_("Decline between 1 and %(free)s units.") % {"free": free}]}
                if free
                else {"units": [_("There is no unused unit to decline.")]}
            )
        _decline(supply, locked, actor, units, (reason or "").strip())
        supply.save()
        _redistribute(supply, actor)
    return locked


def allocation_request(*, allocation: Allocation, actor: Actor, units: int, reason: str) -> Allocation:
    """Ask for `units` more, with a reason; declined units are shared among those who asked."""
    reason = _reason(reason)
    if units <= 0:
        raise ValidationFailed(fields={"units": [_("Ask for at least one unit.")]})
    with transaction.atomic():
        supply, locked = _load(allocation)
        _require_open(supply)
        locked.requested += units
        locked.request_reason = reason[:500]
        locked.save()
        _entry(locked, actor, EntryKind.REQUEST, reason=reason, inputs={"requested": units})
        _redistribute(supply, actor)
    return locked


def _redistribute(supply: Supply, actor: Actor) -> None:
    """Share the units held back among the dealers who asked for more, by the month's formula.

    Inside the caller's transaction, with the supply locked. Each dealer gets at most what it
    asked for; a `redistribution` entry records its inputs and score.
    """
    if supply.pool <= 0:
        return
    askers = [a for a in allocations_lock(supply) if a.requested > 0]
    if not askers:
        return
    formula = supply.formula or formula_current(actor=actor)
    inputs = dealer_inputs(supply=supply, formula=formula, dealer_ids=[a.dealer_id for a in askers])
    weights = {a.dealer_id: inputs[a.dealer_id].score(formula) for a in askers}
    shares = largest_remainder(supply.pool, weights, caps={a.dealer_id: a.requested for a in askers})
    for allocation in askers:
        units = shares[allocation.dealer_id]
        if not units:
            continue
        allocation.quota += units
        allocation.requested -= units
        allocation.save()
        supply.pool -= units
        _entry(
            allocation,
            actor,
            EntryKind.REDISTRIBUTION,
            units=units,
            formula=formula,
            inputs={
                **inputs[allocation.dealer_id].as_inputs(formula),
                "pool": sum(shares.values()) + supply.pool,
                "asked": allocation.requested + units,
                "askers": len(askers),
            },
        )
    supply.save()


# --------------------------------------------------------------------------------------------
# Confirmation and cancellation.


def _queue(order: Order):
    """The dealer's submitted orders of the order's model and month, in the order they get units:
    sold orders first in, first out (by submission time), then stock orders by the dealer's priority."""
    return (
        Order.objects.filter(
            dealer_id=order.dealer_id,
            status=OrderStatus.SUBMITTED,
            requested_month=order.requested_month,
            vehicle_model_id=order.vehicle_model_id,
        )
        .annotate(
            sold_first=Case(
                When(kind=OrderKind.SOLD, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
            stock_priority=Case(
                When(kind=OrderKind.STOCK, then="priority"), default=Value(0), output_field=IntegerField()
            ),
        )
        .order_by("sold_first", "stock_priority", "status_changed_at", "id")
    )


QUEUE_KEY = ("sold_first", "stock_priority", "status_changed_at", "id")


def queue_position(order: Order) -> int | None:
    """The order's place (1 = next) among its dealer's submitted orders of that model and month.

    Two small queries however long the queue is: the order's own key in the queue's ordering, then
    how many orders come before it (none of the queue's rows leaves the database)."""
    queue = _queue(order)
    mine = queue.filter(pk=order.pk).values_list(*QUEUE_KEY).first()
    if mine is None:
        return None
    ahead = Q()
    for depth, name in enumerate(QUEUE_KEY):
        equal = {key: value for key, value in zip(QUEUE_KEY[:depth], mine, strict=False)}
        ahead |= Q(**equal, **{f"{name}__lt": mine[depth]})
    return queue.filter(ahead).count() + 1


def _allocation_of(order: Order) -> Allocation | None:
    return (
        Allocation.objects.filter(
            dealer_id=order.dealer_id,
            supply__vehicle_model_id=order.vehicle_model_id,
            supply__month=order.requested_month,
            supply__status=SupplyStatus.PUBLISHED,
        )
        .values_list("pk", flat=True)
        .first()
    )


def allocation_reserve(*, order: Order, actor: Actor) -> AllocationEntry:
    """Reserve one unit of the dealer's quota for the order's model and month (inside order_confirm).

    The allocation's row is locked (after the order's), so concurrent confirmations of one dealer's
    month are served one at a time. An order may take a unit when its place in the queue is within
    the units remaining: otherwise 409 `allocation_waiting` with its position. No published
    allocation for the dealer, model and month: 409 `no_allocation`.
    """
    allocation_pk = _allocation_of(order)
    if allocation_pk is None:
        raise Conflict(
            _(
                "There is no published allocation of %(model)s for %(month)s for this dealer: "
                "the order cannot be confirmed yet."
            )
            % {
                "model": order.trim.model_year.vehicle_model.code,
                "month": order.requested_month.strftime("%Y-%m"),
            },
            code="no_allocation",
            details=[{"code": "no_allocation", "month": order.requested_month.isoformat()}],
        )
    locked = allocation_lock(allocation_pk)
    position = queue_position(order) or 1
    remaining = locked.quota - locked.used
    if position > remaining:
        raise Conflict(
            _(
                "This order waits for a unit: it is number %(position)s in line and "
                "%(remaining)s units remain."
            )
            % {"position": position, "remaining": remaining},
            code="allocation_waiting",
            details=[{"code": "allocation_waiting", "position": position, "remaining": remaining}],
        )
    locked.used += 1
    locked.save(update_fields=["used", "updated_at"])
    return _entry(locked, actor, EntryKind.RESERVE, units=1, order=order, inputs={"position": position})


def allocation_release(*, order: Order, actor: Actor, reason: str = "") -> AllocationEntry | None:
    """Give back the unit a confirmed order reserved, when it is cancelled (inside order_cancel)."""
    reserved = list(
        AllocationEntry.objects.filter(order=order, kind__in=(EntryKind.RESERVE, EntryKind.RELEASE))
        .order_by("id")
        .values_list("kind", "allocation_id")
    )
    if not reserved or reserved[-1][0] != EntryKind.RESERVE:
        return None
    locked = allocation_lock(reserved[-1][1])
    locked.used -= 1
    locked.save(update_fields=["used", "updated_at"])
    return _entry(locked, actor, EntryKind.RELEASE, units=-1, order=order, reason=reason)
