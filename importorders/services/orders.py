"""Orders: create, amend, and one service per move of the pipeline (importorders.pipeline.MOVES).

Every service takes the actor, runs in one transaction, locks the order's row, and writes an
OrderEvent for what it changed. A move the order's status does not allow raises Conflict (409) and
changes nothing; a move to the status the order already has returns it unchanged (an exact repeat,
no event). Side effects (notifications, cache) are queued on commit by `_on_moved`.

The price a dealer sees never changes silently: an order is priced when it is submitted (the quote's
lines), and re-priced (a REPRICED event with the totals before and after) when an amendment changes
its configuration and when confirmation locks the FX rate of its day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from catalog.errors import ConfigurationInvalid
from catalog.models import Color, Trim
from catalog.services.configuration import configuration_validate
from catalog.services.quote import Quote, quote_build
from core import clock
from core.actors import Actor
from core.errors import Conflict, ValidationFailed
from importorders.gates import release_problems
from importorders.locks import order_lock
from importorders.models import Dealer, Order, OrderEvent, OrderKind, OrderStatus
from importorders.order_cache import order_rows_changed
from importorders.pipeline import AMENDABLE, CHANGE_REQUESTABLE, MOVES, Move, is_past_cutoff, order_cutoff
from importorders.services.allocation import allocation_release, allocation_reserve

UNSET: Any = object()
_REFERENCE_ATTEMPTS = 5

# Listeners called on commit after every move: (order, move, actor). Notifications register here.
_moved_listeners: list[Callable[[Order, Move, Actor], None]] = []


def on_order_moved(listener: Callable[[Order, Move, Actor], None]) -> None:
    """Call `listener(order, move, actor)` after each committed move (registered once, in ready())."""
    _moved_listeners.append(listener)


# Listeners called on commit after each change-request event (requested, approved, refused,
# withdrawn: importorders.services.changes): (order, event, actor).
_event_listeners: list[Callable[[Order, OrderEvent, Actor], None]] = []


def on_order_event(listener: Callable[[Order, OrderEvent, Actor], None]) -> None:
    """Call `listener(order, event, actor)` after each committed change-request event (once, in ready())."""
    _event_listeners.append(listener)


# Listeners called inside the transaction that writes order events, with every (order, event) pair
# written together: one pair for a single write, all of a batch's pairs for `_move_locked_batch`, so
# a listener's reads are once per batch, not per order. What they write commits or rolls back with
# the events (the outbound webhooks' outbox registers here).
WrittenListener = Callable[[Sequence[tuple[Order, OrderEvent]]], None]
_written_listeners: list[WrittenListener] = []


def on_order_event_written(listener: WrittenListener) -> None:
    """Call `listener([(order, event), ...])` in the transaction of the events written (once, in ready())."""
    if listener not in _written_listeners:
        _written_listeners.append(listener)


def order_event_queue(order: Order, event: OrderEvent, actor: Actor) -> None:
    """Queue the `on_order_event` listeners for after the commit of the transaction writing `event`."""
    transaction.on_commit(lambda: [listener(order, event, actor) for listener in _event_listeners])


@dataclass(frozen=True)
class OrderChanges:
    """What a dealer may set on an order before confirmation; UNSET leaves a field as it is."""

    kind: str = UNSET
    customer_reference: str = UNSET
    promised_date: dt.date | None = UNSET
    trim: Trim = UNSET
    color_code: str = UNSET
    option_codes: tuple[str, ...] = UNSET
    requested_month: dt.date = UNSET
    priority: int = UNSET
    notes: str = UNSET

    def given(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not UNSET}


CONFIGURATION_FIELDS = ("trim", "color_code", "option_codes")
# The fields of OrderChanges that are the order's own fields, set as given.
PLAIN_FIELDS = tuple(f.name for f in fields(OrderChanges) if f.name not in CONFIGURATION_FIELDS)


def _current(order: Order) -> dict[str, Any]:
    """The order's value of every field of OrderChanges, as OrderChanges would hold it."""
    return {
        **{name: getattr(order, name) for name in PLAIN_FIELDS},
        "trim": order.trim,
        "color_code": order.color.code,
        "option_codes": tuple(order.option_codes),
    }


def _checked(trim: Trim, color_code: str, option_codes: tuple[str, ...]):
    """The build checked by the catalog engine (its result), or 400 naming every broken rule."""
    result = configuration_validate(trim=trim, color_code=color_code, option_codes=option_codes)
    if not result.valid:
        raise ConfigurationInvalid(result.errors)
    return result


def _configured(trim: Trim, color_code: str, option_codes: tuple[str, ...]) -> tuple[Color, list[str]]:
    """The build checked by the catalog engine: (colour row, chosen option codes) or 400 naming every rule."""
    result = _checked(trim, color_code, option_codes)
    chosen = [option.code for option in result.options if option.included_by is None]
    return Color.objects.get(pk=result.color.id), chosen


def _check_kind(kind: str, customer_reference: str) -> None:
    if kind not in OrderKind.values:
        raise ValidationFailed(fields={"kind": [_("Choose sold or stock.")]})
    if kind == OrderKind.SOLD and not customer_reference.strip():
        raise ValidationFailed(
            fields={"customer_reference": [_("A sold order needs the dealer's customer reference.")]}
        )


def _check_month(month: dt.date) -> None:
    if month.day != 1:
        raise ValidationFailed(fields={"requested_month": [_("Give a month (its first day).")]})
    today = clock.today_jst()
    if month < today.replace(day=1):
        raise ValidationFailed(fields={"requested_month": [_("The requested month has passed.")]})


def _event(order: Order, actor: Actor, kind: str, **values) -> OrderEvent:
    """Record an event; every order write comes here, so kept order reads are made stale here too."""
    event = OrderEvent(order=order, kind=kind, **values)
    event.actor_fill(actor)
    event.save()
    order_rows_changed(order.dealer_id)
    for listener in _written_listeners:
        listener([(order, event)])
    return event


def _plain(value: Any) -> Any:
    """A value as the events' JSON records it."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Trim | Color):
        return value.code
    if isinstance(value, tuple):
        return list(value)
    return value


def _price_lines(quote: Quote) -> list[dict[str, Any]]:
    return [{key: _plain(value) for key, value in asdict(line).items()} for line in quote.lines]


def _reprice(order: Order, actor: Actor, *, on_date: dt.date, reason: str) -> Quote:
    """Price the order's build on `on_date`; record a REPRICED event when the total changes."""
    quote = quote_build(
        trim=order.trim, color_code=order.color.code, option_codes=order.option_codes, on_date=on_date
    )
    before = order.price_total_jpy
    order.priced_on = on_date
    order.price_lines = _price_lines(quote)
    order.price_total_jpy = quote.total_jpy
    if before is not None and before != quote.total_jpy:
        _event(
            order,
            actor,
            OrderEvent.Kind.REPRICED,
            reason=reason,
            changes={"price_total_jpy": {"before": str(before), "after": str(quote.total_jpy)}},
        )
    return quote


def order_create(*, dealer: Dealer, actor: Actor, changes: OrderChanges, from_quote: str = "") -> Order:
    """A draft order for `dealer` (the caller's, never the request's): validated, not yet priced.

    `from_quote`: the number of the dealer's saved quote the build came from, recorded on the
    `created` event (the order is priced by its own moves, never at the quote's prices).
    """
    given = changes.given()
    missing = [name for name in ("kind", "trim", "color_code", "requested_month") if name not in given]
    if missing:
        raise ValidationFailed(fields={name: [_("This field is required.")] for name in missing})
    customer_reference = given.get("customer_reference", "")
    _check_kind(given["kind"], customer_reference)
    _check_month(given["requested_month"])
    color, chosen = _configured(given["trim"], given["color_code"], tuple(given.get("option_codes", ())))
    for _attempt in range(_REFERENCE_ATTEMPTS):
        try:
            with transaction.atomic():
                order = Order.objects.create(
                    dealer=dealer,
                    kind=given["kind"],
                    customer_reference=customer_reference.strip(),
                    promised_date=given.get("promised_date"),
                    trim=given["trim"],
                    color=color,
                    option_codes=chosen,
                    requested_month=given["requested_month"],
                    priority=given.get("priority", 100),
                    notes=given.get("notes", ""),
                )
                _event(
                    order,
                    actor,
                    OrderEvent.Kind.CREATED,
                    to_status=OrderStatus.DRAFT,
                    changes={"quote": from_quote} if from_quote else {},
                )
                return order
        except IntegrityError:
            if not Order.objects.filter(reference=order.reference).exists():
                raise
    raise RuntimeError("No free order reference after several attempts")


def order_amend(*, order: Order, actor: Actor, changes: OrderChanges, reason: str = "") -> Order:
    """Change a draft or submitted order; the build is re-validated and a submitted order re-priced."""
    with transaction.atomic():
        locked = order_lock(order.pk)
        if locked.status not in AMENDABLE:
            if locked.status in CHANGE_REQUESTABLE:
                message = _(
                    "This order has been confirmed: only its colour and port-installed options change "
                    "now, by a change request until the cut-off."
                )
            else:
                message = _("The order's status is %(status)s: it can no longer be changed.") % {
                    "status": locked.get_status_display()
                }
            raise Conflict(
                message,
                code="not_amendable",
                details=[{"code": "not_amendable", "status": locked.status}],
            )
        given = changes.given()
        current = _current(locked)
        after = {**current, **{k: (tuple(v) if k == "option_codes" else v) for k, v in given.items()}}
        diff = {
            k: {"before": _plain(current[k]), "after": _plain(after[k])}
            for k in after
            if after[k] != current[k]
        }
        if not diff:
            return locked
        _check_kind(after["kind"], after["customer_reference"])
        if "requested_month" in diff:
            _check_month(after["requested_month"])
        if any(name in diff for name in CONFIGURATION_FIELDS):
            color, chosen = _configured(after["trim"], after["color_code"], after["option_codes"])
            locked.trim, locked.color, locked.option_codes = after["trim"], color, chosen
        for name in PLAIN_FIELDS:
            setattr(locked, name, after[name])
        locked.customer_reference = locked.customer_reference.strip()
        _event(locked, actor, OrderEvent.Kind.AMENDED, reason=reason, changes=diff)
        if locked.status == OrderStatus.SUBMITTED and any(name in diff for name in CONFIGURATION_FIELDS):
            _reprice(locked, actor, on_date=clock.today_jst(), reason=_("The build changed."))
        locked.save()
    return locked


def _move(order: Order, name: str, actor: Actor, *, reason: str = "", apply=None, repeat=None) -> Order:
    """The one way an order changes status (see the module docstring).

    `repeat(locked)`, for an order already at the move's target, refuses (raises) what would not be
    an exact repeat of the move, e.g. another production week.
    """
    move = MOVES[name]
    if move.needs_reason and not reason.strip():
        raise ValidationFailed(fields={"reason": [_("Give a reason.")]})
    with transaction.atomic():
        locked = order_lock(order.pk)
        if locked.status == move.target:
            if repeat is not None:
                repeat(locked)
            return locked
        if locked.status not in move.sources:
            raise Conflict(
                _("The order's status is %(status)s: it cannot be %(move_label)s.")
                % {"status": locked.get_status_display(), "move_label": move.label},
                code="move_not_allowed",
                details=[{"code": "move_not_allowed", "status": locked.status, "move": name}],
            )
        changes = apply(locked) if apply else None
        before = locked.status
        locked.status = move.target
        locked.status_changed_at = clock.now()
        locked.save()
        _event(
            locked,
            actor,
            OrderEvent.Kind.MOVED,
            from_status=before,
            to_status=move.target,
            reason=reason.strip(),
            changes=changes or {},
        )
        transaction.on_commit(lambda: [listener(locked, move, actor) for listener in _moved_listeners])
    return locked


def _move_locked_batch(orders: Sequence[Order], name: str, actor: Actor, *, changes: dict[int, dict]) -> None:
    """One move for many orders whose rows the caller has locked in this transaction (in primary-key
    order, core.locks) and whose status it has checked: what `_move` does for each, in a constant
    number of queries per batch (one UPDATE per 500 orders, one INSERT of their events per 500).

    Each order still gets its own OrderEvent (actor, time, from, to, `changes[order.pk]`) and its own
    moved-listener calls on commit (one notification per order); each dealer's kept reads are
    made stale once, and the event-written listeners are called once with all the batch's events
    (the webhooks' outbox: one endpoint lookup per batch). A status the move does not allow raises
    before anything is written.
    """
    move = MOVES[name]
    if move.needs_reason:
        raise ValueError(f"the move {name} needs a reason: make it one by one")
    for order in orders:
        if order.status not in move.sources:
            raise Conflict(
                _("The order's status is %(status)s: it cannot be %(move_label)s.")
                % {"status": order.get_status_display(), "move_label": move.label},
                code="move_not_allowed",
                details=[{"code": "move_not_allowed", "status": order.status, "move": name}],
            )
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A batch of moves is made inside transaction.atomic(), on locked rows")
    now = clock.now()
    events = []
    for order in orders:
        before = order.status
        order.status, order.status_changed_at, order.updated_at = move.target, now, now
        event = OrderEvent(
            order=order,
            kind=OrderEvent.Kind.MOVED,
            from_status=before,
            to_status=move.target,
            reason="",
            changes=changes.get(order.pk) or {},
            at=now,
        )
        event.actor_fill(actor)
        events.append(event)
    Order.objects.bulk_update(orders, ["status", "status_changed_at", "updated_at"], batch_size=500)
    OrderEvent.objects.bulk_create(events, batch_size=500)
    for dealer_id in sorted({order.dealer_id for order in orders}):
        order_rows_changed(dealer_id)
    written = list(zip(orders, events, strict=True))
    for listener in _written_listeners:
        listener(written)
    moved = list(orders)
    transaction.on_commit(
        lambda: [listener(order, move, actor) for order in moved for listener in _moved_listeners]
    )


def order_submit(*, order: Order, actor: Actor) -> Order:
    """Draft → submitted: the build is checked again and priced today (the price the dealer sees)."""

    def apply(locked: Order) -> dict:
        _checked(locked.trim, locked.color.code, tuple(locked.option_codes))
        _reprice(locked, actor, on_date=clock.today_jst(), reason=_("Priced at submission."))
        return {"price_total_jpy": str(locked.price_total_jpy)}

    return _move(order, "submit", actor, apply=apply)


def order_confirm(*, order: Order, actor: Actor) -> Order:
    """Submitted → confirmed: a unit of the dealer's quota is reserved and the FX rate of today locked."""

    def apply(locked: Order) -> dict:
        allocation_reserve(order=locked, actor=actor)
        quote = _reprice(
            locked, actor, on_date=clock.today_jst(), reason=_("FX rate locked at confirmation.")
        )
        locked.fx_rate, locked.fx_rate_date = quote.fx_rate.rate, quote.fx_rate.rate_date
        locked.confirmed_at = clock.now()
        return {"fx_rate": str(locked.fx_rate), "fx_rate_date": locked.fx_rate_date.isoformat()}

    return _move(order, "confirm", actor, apply=apply)


def order_reject(*, order: Order, actor: Actor, reason: str) -> Order:
    """Submitted → rejected, with the reason the dealer reads."""
    return _move(order, "reject", actor, reason=reason)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def order_schedule(*, order: Order, actor: Actor, week: dt.date) -> Order:
    """Confirmed → scheduled for a production week (any day of it: stored as its Monday).

    A week that has passed, or whose change cut-off (the model's days before it) has passed, is 400.
    """
    monday = _monday(week)
    if monday < _monday(clock.today_jst()):
        raise ValidationFailed(fields={"week": [_("The production week has passed.")]})

    def apply(locked: Order) -> dict:
        # A week whose change cut-off has passed would be past its cut-off from the moment it is set.
        days = locked.trim.model_year.vehicle_model.change_cutoff_days
        cutoff = monday - dt.timedelta(days=days)
        if clock.today_jst() > cutoff:
            raise ValidationFailed(
                fields={
                    "week": [
                        _("The change cut-off of that week (%(cutoff)s) has passed: choose a later week.")
                        % {"cutoff": cutoff.isoformat()}
                    ]
                },
                details=[{"code": "cutoff_passed", "field": "week", "cutoff": cutoff.isoformat()}],
            )
        locked.production_week = monday
        return {"production_week": monday.isoformat()}

    def repeat(locked: Order) -> None:
        if locked.production_week != monday:
            week = locked.production_week.isoformat()
            raise Conflict(
                _("This order is already scheduled for the week of %(week)s.") % {"week": week},
                code="already_scheduled",
                details=[{"code": "already_scheduled", "production_week": week}],
            )

    return _move(order, "schedule", actor, apply=apply, repeat=repeat)


def order_cancel(*, order: Order, actor: Actor, reason: str) -> Order:
    """Cancel until the change cut-off (409 with the cut-off after it)."""

    def apply(locked: Order) -> dict:
        if is_past_cutoff(locked, clock.today_jst()):
            cutoff = order_cutoff(locked)
            raise Conflict(
                _("The change cut-off for this order was %(cutoff)s.") % {"cutoff": cutoff.isoformat()},
                code="past_cutoff",
                details=[{"code": "past_cutoff", "cutoff": cutoff.isoformat()}],
            )
        if locked.status in CHANGE_REQUESTABLE:  # confirmed: its unit goes back to the quota
            allocation_release(order=locked, actor=actor, reason=reason.strip())
        return {}

    return _move(order, "cancel", actor, reason=reason, apply=apply)


# The moves made by the system as a vehicle travels (importorders.pipeline: made_by "system").
SYSTEM_MOVES = tuple(name for name, move in MOVES.items() if move.made_by == "system")


def order_milestone(*, order: Order, actor: Actor, move: str, reason: str = "") -> Order:
    """Built → shipped → arrived → cleared → ready → delivered: one step, made by the system.

    Or one step back (unrelease, unclear, unarrive, unship) when a partner retracts a milestone
    (docs/decisions/0005). Shipment events (applied by Celery) and the release gates call this;
    nobody's request does.
    The move goes through the same machinery as every other (locked, 409 when the status forbids
    it, an exact repeat returns the order, an event with the actor).
    """
    if move not in SYSTEM_MOVES:
        raise ValueError(f"{move!r} is not a system move; use its own service")
    if actor.kind != "system":
        raise ValueError("Milestone moves are the system's")
    apply = _release_gates_pass if move == "release" else None
    return _move(order, move, actor, reason=reason, apply=apply)


def _release_gates_pass(locked: Order) -> dict:
    """Refuse the release (409, nothing changed) while any release gate finds a problem."""
    problems = release_problems(locked)
    if problems:
        raise Conflict(
            _("The order cannot be released yet: %(problems)s")
            % {"problems": "; ".join(str(problem.message) for problem in problems)},
            code="release_blocked",
            details=[problem.as_detail() for problem in problems],
        )
    return {}


def order_release_attempt(*, order: Order, actor: Actor) -> Order:
    """Release a cleared order if every gate passes now; otherwise leave it as it is.

    Called by whatever may have cleared the last problem (a document approved, an exception
    resolved, customs released). Returns the order, released or not; never raises for a gate.
    """
    with transaction.atomic():
        locked = order_lock(order.pk)
        if locked.status != OrderStatus.CLEARED or release_problems(locked):
            return locked
        return order_milestone(order=locked, actor=actor, move="release")
