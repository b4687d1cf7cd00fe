"""Change requests after confirmation: create, approve, refuse, withdraw (DESIGN.md, "Orders").

A confirmed or scheduled order's colour and port-installed options change only by a request that
operations approve, until the order's change cut-off (`importorders.pipeline.order_cutoff`: the
model's `change_cutoff_days` before the production week, a Japan date); the trim is locked, and so
are factory-installed options. Every service takes the actor, runs in one transaction, locks the
order first and then the request (importorders.locks), writes an OrderEvent with the build before
and after, and queues the `on_order_event` listeners on commit. A refused call writes nothing.

Pricing: the new build is priced on today's date (Japan) by the catalog's quote, at the exchange
rate the quote uses for that date. The quote cannot be handed a rate, so the rate locked at
confirmation (`Order.fx_rate`) is not used for the new price and stays the order's record of the
rate at confirmation (docs/api.md, "Change requests").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from catalog.errors import ConfigurationInvalid
from catalog.models import Color, Installation
from catalog.selectors.configuration import ConfigurationData, trim_configuration_data
from catalog.services.configuration import configuration_check
from catalog.services.quote import Quote, quote_build
from core import clock
from core.actors import Actor
from core.errors import Conflict, ValidationFailed
from importorders.locks import change_request_lock, order_lock
from importorders.models import ChangeRequest, Order, OrderEvent
from importorders.models.changes import ChangeRequestStatus
from importorders.pipeline import AMENDABLE, CHANGE_REQUESTABLE, is_past_cutoff, order_cutoff
from importorders.services.orders import _event, _price_lines, order_event_queue

PENDING = ChangeRequestStatus.PENDING


@dataclass(frozen=True)
class ChangeQuote:
    """A change judged and priced: the build it gives and its quote beside the order's price."""

    order: Order
    color: Color
    option_codes: tuple[str, ...]
    quote: Quote
    cutoff: dt.date | None

    @property
    def price_before_jpy(self):
        return self.order.price_total_jpy


def past_cutoff(cutoff: dt.date) -> Conflict:
    """409 `past_cutoff`, naming the cut-off (ISO date) in the details."""
    return Conflict(
        _("The change cut-off for this order was %(cutoff)s.") % {"cutoff": cutoff.isoformat()},
        code="past_cutoff",
        details=[{"code": "past_cutoff", "cutoff": cutoff.isoformat()}],
    )


def _check_changeable(order: Order, today: dt.date) -> None:
    """409 unless the order is confirmed or scheduled and its cut-off has not passed (Japan)."""
    if order.status not in CHANGE_REQUESTABLE:
        if order.status in AMENDABLE:
            message = _("This order has not been confirmed yet: amend it instead.")
        else:
            message = _("The order's status is %(status)s: it can no longer be changed.") % {
                "status": order.get_status_display()
            }
        raise Conflict(
            message, code="not_changeable", details=[{"code": "not_changeable", "status": order.status}]
        )
    if is_past_cutoff(order, today):
        raise past_cutoff(order_cutoff(order))


def _factory_changes(
    data: ConfigurationData, before: Iterable[str], after: Iterable[str], resolved: Iterable[str]
) -> list[str]:
    """The factory-installed options a change would add or remove, in the order they are named."""
    before, after = list(before), list(after)
    touched = [code for code in after if code not in before] + [code for code in before if code not in after]
    # What a port-installed package brings counts too: it is the build that changes.
    touched += [code for code in resolved if code not in touched]
    factory = []
    for code in dict.fromkeys(touched):
        facts = data.options.get(code)
        if facts is not None and facts.installation == Installation.FACTORY:
            factory.append(code)
    return factory


def _resolved(data: ConfigurationData, color_code: str, option_codes: Iterable[str]) -> set[str]:
    return set(
        configuration_check(data=data, color_code=color_code, option_codes=list(option_codes)).option_codes
    )


def _judge(
    order: Order,
    *,
    color_code: str | None,
    option_codes: Iterable[str] | None,
    today: dt.date,
    require_change: bool = True,
) -> ChangeQuote:
    """The change checked (factory options, the catalog's rules, that something changes) and priced."""
    current_color, current_options = order.color.code, tuple(order.option_codes)
    color_code = current_color if color_code is None else color_code
    option_codes = current_options if option_codes is None else tuple(option_codes)
    data = trim_configuration_data(trim_id=order.trim_id)

    before_build = _resolved(data, current_color, current_options)
    after_build = _resolved(data, color_code, option_codes)
    factory = _factory_changes(data, current_options, option_codes, before_build ^ after_build)
    if factory:
        messages = [
            _("Option %(code)s is factory-installed: it cannot be added or removed after confirmation.")
            % {"code": code}
            for code in factory
        ]
        raise ValidationFailed(
            _("Only the colour and port-installed options change after confirmation."),
            code="factory_option",
            fields={"options": messages},
            details=[
                {"code": "factory_option", "field": "options", "option": code, "message": message}
                for code, message in zip(factory, messages, strict=True)
            ],
        )
    result = configuration_check(data=data, color_code=color_code, option_codes=list(option_codes))
    if not result.valid:
        raise ConfigurationInvalid(result.errors)
    chosen = tuple(option.code for option in result.options if option.included_by is None)
    if require_change and result.color.code == current_color and chosen == current_options:
        message = _("This is the order's build already: change the colour or the options.")
        raise ValidationFailed(message, code="no_change", fields={"color": [message], "options": [message]})
    quote = quote_build(trim=order.trim, color_code=color_code, option_codes=chosen, on_date=today, data=data)
    color = order.color if result.color.id == order.color_id else Color.objects.get(pk=result.color.id)
    return ChangeQuote(order=order, color=color, option_codes=chosen, quote=quote, cutoff=order_cutoff(order))


def change_request_quote(
    *, order: Order, color_code: str | None, option_codes: Iterable[str] | None
) -> ChangeQuote:
    """What a change would give and cost today, checked as a request is; writes nothing (the form's check)."""
    today = clock.today_jst()
    _check_changeable(order, today)
    return _judge(order, color_code=color_code, option_codes=option_codes, today=today)


def _build_changes(request: ChangeRequest) -> dict:
    """The event's before and after of a request: colour, options and total."""
    return {
        "change_request": request.pk,
        "color": {"before": request.color_before.code, "after": request.color_after.code},
        "option_codes": {
            "before": list(request.option_codes_before),
            "after": list(request.option_codes_after),
        },
        "price_total_jpy": {
            "before": None if request.price_before_total_jpy is None else str(request.price_before_total_jpy),
            "after": str(request.price_after_total_jpy),
        },
    }


def _pending_conflict(pk: int) -> Conflict:
    return Conflict(
        _("This order already has a change request waiting for a decision."),
        code="change_request_pending",
        details=[{"code": "change_request_pending", "change_request": pk}],
    )


def _record(order: Order, request: ChangeRequest, actor: Actor, kind: str, reason: str) -> OrderEvent:
    event = _event(order, actor, kind, reason=reason, changes=_build_changes(request))
    order_event_queue(order, event, actor)
    return event


def _need_reason(reason: str) -> str:
    if not reason or not reason.strip():
        raise ValidationFailed(fields={"reason": [_("Give a reason.")]})
    return reason.strip()


def change_request_create(
    *,
    order: Order,
    actor: Actor,
    color_code: str | None,
    option_codes: Iterable[str] | None,
    reason: str,
) -> ChangeRequest:
    """A dealer asks for another colour and/or port-installed options on a confirmed order.

    409 unless the order is confirmed or scheduled and today (Japan) is not after its cut-off
    (`cutoff` in the details), or while another request of the order is pending; 400 for a factory
    option, a broken rule (every one named) or no change at all; 422 when the new build cannot be
    priced today. An exact repeat of the pending request returns it, recording nothing.
    """
    reason = _need_reason(reason)
    today = clock.today_jst()
    with transaction.atomic():
        locked = order_lock(order.pk)
        _check_changeable(locked, today)
        pending = (
            ChangeRequest.objects.filter(order=locked, status=PENDING).select_related("color_after").first()
        )
        if pending is not None:
            repeat = (
                (color_code is None or pending.color_after.code == color_code)
                and (option_codes is None or list(pending.option_codes_after) == list(option_codes))
                and pending.reason == reason
                and pending.requested_by_kind == actor.kind
                and pending.requested_by_ref == actor.ref
            )
            if repeat:
                return pending
            raise _pending_conflict(pending.pk)
        judged = _judge(locked, color_code=color_code, option_codes=option_codes, today=today)
        request = ChangeRequest(
            order=locked,
            color_before=locked.color,
            color_after=judged.color,
            option_codes_before=list(locked.option_codes),
            option_codes_after=list(judged.option_codes),
            reason=reason,
            price_before_total_jpy=locked.price_total_jpy,
            price_before_lines=list(locked.price_lines),
            price_after_total_jpy=judged.quote.total_jpy,
            price_after_lines=_price_lines(judged.quote),
            priced_on=today,
        )
        request.requested_by_fill(actor)
        try:
            with transaction.atomic():
                request.save()
        except IntegrityError:
            # The constraint is the last line behind the order's lock (SQLite has no row locks).
            other = (
                ChangeRequest.objects.filter(order=locked, status=PENDING)
                .values_list("pk", flat=True)
                .first()
            )
            if other is None:
                raise
            raise _pending_conflict(other) from None
        _record(locked, request, actor, OrderEvent.Kind.CHANGE_REQUESTED, reason)
    return request


def _decidable(request: ChangeRequest, done: str) -> bool:
    """True when the request is pending; False when it is already `done` (an exact repeat); else 409."""
    if request.status == done:
        return False
    if request.status != PENDING:
        raise Conflict(
            _("This change request has already been %(status)s.") % {"status": request.get_status_display()},
            code="change_request_decided",
            details=[{"code": "change_request_decided", "status": request.status}],
        )
    return True


def _decide(request: ChangeRequest, status: str, actor: Actor, reason: str = "") -> None:
    request.status = status
    request.decision_reason = reason
    request.decided_at = clock.now()
    request.decided_by_fill(actor)


def change_request_approve(*, change_request: ChangeRequest, actor: Actor) -> ChangeRequest:
    """Operations approve: the build is checked again, applied to the order and re-priced today.

    At decision time the order must still be confirmed or scheduled and before its cut-off (409,
    `cutoff` in the details); the build must still pass the catalog's rules (400). The order gets a
    REPRICED event (its total before and after) and a CHANGE_APPROVED event (the build before and
    after); the request keeps the price it was approved at.
    """
    today = clock.today_jst()
    with transaction.atomic():
        order = order_lock(change_request.order_id)
        locked = change_request_lock(change_request.pk)
        if not _decidable(locked, ChangeRequestStatus.APPROVED):
            return locked
        _check_changeable(order, today)
        judged = _judge(
            order,
            color_code=locked.color_after.code,
            option_codes=locked.option_codes_after,
            today=today,
            require_change=False,
        )
        before_total = order.price_total_jpy
        locked.color_before, locked.option_codes_before = order.color, list(order.option_codes)
        locked.price_before_total_jpy, locked.price_before_lines = before_total, list(order.price_lines)
        locked.color_after, locked.option_codes_after = judged.color, list(judged.option_codes)
        locked.price_after_total_jpy = judged.quote.total_jpy
        locked.price_after_lines = _price_lines(judged.quote)
        locked.priced_on = today
        _decide(locked, ChangeRequestStatus.APPROVED, actor)
        locked.save()

        order.color, order.option_codes = judged.color, list(judged.option_codes)
        order.priced_on, order.price_lines = today, _price_lines(judged.quote)
        order.price_total_jpy = judged.quote.total_jpy
        order.save()
        _event(
            order,
            actor,
            OrderEvent.Kind.REPRICED,
            reason=_("Change request approved."),
            changes={
                "change_request": locked.pk,
                "price_total_jpy": {
                    "before": None if before_total is None else str(before_total),
                    "after": str(judged.quote.total_jpy),
                },
                "priced_on": today.isoformat(),
            },
        )
        _record(order, locked, actor, OrderEvent.Kind.CHANGE_APPROVED, "")
    return locked


def change_request_refuse(*, change_request: ChangeRequest, actor: Actor, reason: str) -> ChangeRequest:
    """Operations refuse a pending request, with the reason the dealer reads (400 without one)."""
    reason = _need_reason(reason)
    with transaction.atomic():
        order = order_lock(change_request.order_id)
        locked = change_request_lock(change_request.pk)
        if not _decidable(locked, ChangeRequestStatus.REFUSED):
            return locked
        _decide(locked, ChangeRequestStatus.REFUSED, actor, reason)
        locked.save()
        _record(order, locked, actor, OrderEvent.Kind.CHANGE_REFUSED, reason)
    return locked


def change_request_withdraw(*, change_request: ChangeRequest, actor: Actor) -> ChangeRequest:
    """The dealer withdraws its pending request (at any time: nothing about the order changes)."""
    with transaction.atomic():
        order = order_lock(change_request.order_id)
        locked = change_request_lock(change_request.pk)
        if not _decidable(locked, ChangeRequestStatus.WITHDRAWN):
            return locked
        _decide(locked, ChangeRequestStatus.WITHDRAWN, actor)
        locked.save()
        _record(order, locked, actor, OrderEvent.Kind.CHANGE_WITHDRAWN, "")
    return locked
