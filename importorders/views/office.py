"""The back office's order work under /office/: the confirmation queue and production scheduling.

Operations (and admins) only: a dealer's person gets the site's 404 (these pages are not theirs to
know), other back-office staff 403. Both queues show one status, longest waiting first, with the
list's filters (dealer, model, requested month) kept in the query string and cursor pages. A move
on one order, or on the selected orders in bulk after a preview of exactly what will change, goes
through the order services; a refusal is shown on the queue as a message with its status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from catalog.services.quote import quote_build
from core import clock
from core.callers import Caller, get_caller
from core.errors import ApplicationError, Conflict, NotFound, PermissionDenied, ValidationFailed
from core.portal import portal_page
from core.scoping import OUT_OF_SCOPE, scoped, write_in_scope
from importorders.forms import BulkForm, BulkWeekForm, PortalOrderFilter, ReasonForm, WeekForm, weeks_offered
from importorders.models import Order, OrderStatus
from importorders.pipeline import MOVES
from importorders.selectors.orders import order_get, order_list
from importorders.services import orders as order_services
from importorders.services.bulk import orders_confirm_all, orders_fingerprint, orders_schedule_all
from importorders.views.orders import PortalPagination, filter_choices, filter_errors, paginate, query_of


def office_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required; not back office: the site's 404; back office but not operations: 403."""

    @login_required
    @portal_page
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        caller = get_caller(request)
        if not (caller.kind == "user" and caller.is_back_office):
            raise NotFound
        if not caller.is_operations:
            raise PermissionDenied()
        return view(request, caller, *args, **kwargs)

    return wrapper


class LongestWaitingFirst(PortalPagination):
    ordering = ("status_changed_at", "id")


class QueueFilter(PortalOrderFilter):
    """A queue's filters: dealer, model and requested month (the status is the queue's)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("status", "kind", "q"):
            del self.filters[name]


@dataclass(frozen=True)
class Queue:
    """One of the back office's queues: the status it holds and the page that shows it."""

    name: str
    status: str
    url_name: str
    template: str


CONFIRMATION = Queue(
    "confirmation", OrderStatus.SUBMITTED, "office:confirmation", "importorders/office_queue.html"
)
SCHEDULING = Queue("scheduling", OrderStatus.CONFIRMED, "office:schedule", "importorders/office_queue.html")


def age_text(since: dt.datetime, now: dt.datetime) -> str:
    """How long an order has waited: days, or hours on its first day."""
    seconds = max(0, int((now - since).total_seconds()))
    days = seconds // 86400
    if days:
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    hours = seconds // 3600
    return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}


def _only(query: QueryDict, keys: tuple[str, ...]) -> QueryDict:
    kept = QueryDict(mutable=True)
    for key in keys:
        values = [value for value in query.getlist(key) if value.strip()]
        if values:
            kept.setlist(key, values)
    return kept


def _back_to(queue: Queue, query: str) -> HttpResponse:
    url = reverse(queue.url_name)
    return redirect(f"{url}?{query}" if query else url)


def queue_page(
    request: HttpRequest,
    caller: Caller,
    queue: Queue,
    *,
    query: QueryDict | None = None,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    """The queue with its filters and cursor page (plus a refusal or a form to show again)."""
    query = _only(query if query is not None else query_of(request), ("dealer", "model", "month"))
    filterset = QueueFilter(
        query, queryset=order_list(caller=caller).filter(status=queue.status), caller=caller
    )
    today = clock.today_jst()
    weeks = weeks_offered(today)
    context: dict[str, Any] = {
        "queue": queue,
        "filter_values": {key: query.getlist(key) for key in query},
        "query": query.urlencode(),
        "today": today,
        **filter_choices(caller, filterset),
        **extra,
    }
    if not filterset.is_valid():
        context.update(rows=[], filter_errors=filter_errors(filterset).fields)
        return render(request, queue.template, context, status=400)
    rows, paginator = paginate(request, filterset.qs, LongestWaitingFirst)
    now = clock.now()
    context.update(
        rows=[{"order": order, "age": age_text(order.status_changed_at, now)} for order in rows],
        next_link=paginator.page_link(paginator.get_next_link()),
        previous_link=paginator.page_link(paginator.get_previous_link()),
        is_first_page=not request.GET.get("cursor"),
        weeks=[
            {"week": week, "value": week.isoformat(), "cutoffs": cutoffs_of(rows, week, today)}
            for week in weeks
        ]
        if queue is SCHEDULING
        else [],
    )
    return render(request, queue.template, context, status=status)


def cutoffs_of(orders, week: dt.date, today: dt.date) -> dict[str, dict[str, Any]]:
    """Per model of these orders: the change cut-off if scheduled for `week`, and whether it has passed."""
    seen: dict[str, dict[str, Any]] = {}
    for order in orders:
        model = order.trim.model_year.vehicle_model
        if model.code not in seen:
            cutoff = week - dt.timedelta(days=model.change_cutoff_days)
            seen[model.code] = {"date": cutoff, "passed": cutoff < today}
    return seen


def refused(request, caller, queue: Queue, error: ApplicationError, **extra) -> HttpResponse:
    status = error.status_code if error.status_code in (400, 403, 409, 422) else 400
    query = QueryDict(request.POST.get("filters", ""))
    return queue_page(request, caller, queue, query=query, status=status, refusal=error, **extra)


def _filters_of(request: HttpRequest) -> str:
    return _only(QueryDict(request.POST.get("filters", "")), ("dealer", "model", "month")).urlencode()


@require_GET
@office_page
def confirmation_queue(request: HttpRequest, caller: Caller) -> HttpResponse:
    """Submitted orders, longest waiting first: confirm or reject each, or confirm several at once."""
    return queue_page(request, caller, CONFIRMATION)


@require_GET
@office_page
def schedule_queue(request: HttpRequest, caller: Caller) -> HttpResponse:
    """Confirmed orders awaiting a production week: set it per order or for several at once."""
    return queue_page(request, caller, SCHEDULING)


def _one_move(request, caller, queue: Queue, reference: str, name: str, call) -> HttpResponse:
    order = order_get(caller=caller, reference=reference)  # 404 (the back office sees all: a missing one)
    try:
        moved = write_in_scope(caller, lambda: call(order))
    except ApplicationError as error:
        if isinstance(error, NotFound):
            raise
        return refused(request, caller, queue, error, failed_reference=order.reference)
    messages.success(
        request,
        _("Order %(reference)s: %(move)s.") % {"reference": moved.reference, "move": MOVES[name].label},
    )
    return _back_to(queue, _filters_of(request))


@require_POST
@office_page
def order_confirm(request: HttpRequest, caller: Caller, reference: str) -> HttpResponse:
    return _one_move(
        request,
        caller,
        CONFIRMATION,
        reference,
        "confirm",
        lambda order: order_services.order_confirm(order=order, actor=caller.actor),
    )


@require_POST
@office_page
def order_reject(request: HttpRequest, caller: Caller, reference: str) -> HttpResponse:
    order = order_get(caller=caller, reference=reference)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        error = ValidationFailed(_("Give a reason."), fields={"reason": [_("Give a reason.")]})
        return refused(request, caller, CONFIRMATION, error, failed_reference=order.reference)
    return _one_move(
        request,
        caller,
        CONFIRMATION,
        order.reference,
        "reject",
        lambda order: order_services.order_reject(
            order=order, actor=caller.actor, reason=form.cleaned_data["reason"]
        ),
    )


@require_POST
@office_page
def order_schedule(request: HttpRequest, caller: Caller, reference: str) -> HttpResponse:
    order = order_get(caller=caller, reference=reference)
    form = WeekForm(request.POST, weeks=weeks_offered(clock.today_jst()))
    if not form.is_valid():
        error = ValidationFailed(
            _("Choose one of the weeks offered."), fields={"week": [_("Choose one of the weeks offered.")]}
        )
        return refused(request, caller, SCHEDULING, error, failed_reference=order.reference)
    week = form.cleaned_data["week"]
    return _one_move(
        request,
        caller,
        SCHEDULING,
        order.reference,
        "schedule",
        lambda order: order_services.order_schedule(order=order, actor=caller.actor, week=week),
    )


# --- bulk --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewRow:
    """One order of a bulk preview: as it stands, and what the move will change."""

    order: Order
    changes: list[tuple[str, str, str]]  # (what, before, after)
    problem: str = ""


def _chosen(caller: Caller, queue: Queue, references: list[str]) -> list[Order]:
    """The chosen orders, in the queue's order; 400 naming any that is not in the queue now."""
    found = {
        order.reference: order
        for order in order_list(caller=caller).filter(reference__in=references, status=queue.status)
    }
    missing = [reference for reference in references if reference not in found]
    if missing:
        raise Conflict(
            ngettext(
                "Order %(references)s is no longer in this queue: nothing was changed.",
                "Orders %(references)s are no longer in this queue: nothing was changed.",
                len(missing),
            )
            % {"references": ", ".join(missing)},
            code="not_in_queue",
        )
    return sorted(found.values(), key=lambda order: (order.status_changed_at, order.pk))


def _yen(amount) -> str:
    return "—" if amount is None else f"¥{int(amount):,}"


def _confirm_preview(orders: list[Order], today: dt.date) -> list[PreviewRow]:
    rows = []
    status = (str(OrderStatus.SUBMITTED.label), str(OrderStatus.CONFIRMED.label))
    for order in orders:
        try:
            quote = quote_build(
                trim=order.trim, color_code=order.color.code, option_codes=order.option_codes, on_date=today
            )
        except ApplicationError as error:
            rows.append(PreviewRow(order=order, changes=[(_("status"), *status)], problem=str(error.message)))
            continue
        rows.append(
            PreviewRow(
                order=order,
                changes=[
                    (_("status"), *status),
                    (
                        _("USD/JPY locked"),
                        "—",
                        f"{quote.fx_rate.rate} ({quote.fx_rate.rate_date.isoformat()})",
                    ),
                    (_("total (JPY)"), _yen(order.price_total_jpy), _yen(quote.total_jpy)),
                ],
            )
        )
    return rows


def _schedule_preview(orders: list[Order], week: dt.date, today: dt.date) -> list[PreviewRow]:
    rows = []
    status = (str(OrderStatus.CONFIRMED.label), str(OrderStatus.SCHEDULED.label))
    for order in orders:
        cutoff = week - dt.timedelta(days=order.trim.model_year.vehicle_model.change_cutoff_days)
        note = _("%(date)s (passed)") % {"date": cutoff.isoformat()} if cutoff < today else cutoff.isoformat()
        rows.append(
            PreviewRow(
                order=order,
                changes=[
                    (_("status"), *status),
                    (_("production week"), "—", week.isoformat()),
                    (_("change cut-off"), "—", note),
                ],
            )
        )
    return rows


def _bulk(request: HttpRequest, caller: Caller, queue: Queue) -> HttpResponse:
    today = clock.today_jst()
    weeks = weeks_offered(today)
    form = BulkWeekForm(request.POST, weeks=weeks) if queue is SCHEDULING else BulkForm(request.POST)
    if not form.is_valid():
        fields = {name: [str(message) for message in errors] for name, errors in form.errors.items()}
        first = next(iter(fields.values()))[0]
        return refused(request, caller, queue, ValidationFailed(first, fields=fields))
    references = form.cleaned_data["references"]
    week = form.cleaned_data.get("week")
    try:
        orders = _chosen(caller, queue, references)
    except ApplicationError as error:
        return refused(request, caller, queue, error)
    if form.cleaned_data["step"] == "preview":
        rows = _schedule_preview(orders, week, today) if week else _confirm_preview(orders, today)
        context = {
            "queue": queue,
            "rows": rows,
            "week": week,
            "fingerprint": orders_fingerprint(orders),
            "references": [order.reference for order in orders],
            "filters": _filters_of(request),
            "blocked": any(row.problem for row in rows),
        }
        return render(request, "importorders/office_bulk_preview.html", context)
    fingerprint = form.cleaned_data["fingerprint"]
    try:
        if week:
            moved = write_all(
                caller,
                lambda: orders_schedule_all(
                    orders=orders, actor=caller.actor, week=week, fingerprint=fingerprint
                ),
            )
        else:
            moved = write_all(
                caller, lambda: orders_confirm_all(orders=orders, actor=caller.actor, fingerprint=fingerprint)
            )
    except ApplicationError as error:
        return refused(request, caller, queue, error)
    messages.success(
        request,
        ngettext("%(count)d order: %(move)s.", "%(count)d orders: %(move)s.", len(moved))
        % {"count": len(moved), "move": MOVES["schedule" if week else "confirm"].label},
    )
    return _back_to(queue, _filters_of(request))


def write_all(caller: Caller, write: Callable[[], list[Order]]) -> list[Order]:
    """`write_in_scope` for several orders: every one still the caller's, in the same transaction."""
    with transaction.atomic():
        moved = write()
        if scoped(Order, caller).filter(pk__in=[order.pk for order in moved]).count() != len(moved):
            raise PermissionDenied(OUT_OF_SCOPE, code="out_of_scope")
    return moved


@require_POST
@office_page
def bulk_confirm(request: HttpRequest, caller: Caller) -> HttpResponse:
    """The selected submitted orders: a preview of what changes, then confirmed all or none."""
    return _bulk(request, caller, CONFIRMATION)


@require_POST
@office_page
def bulk_schedule(request: HttpRequest, caller: Caller) -> HttpResponse:
    """The selected confirmed orders: a preview for the chosen week, then scheduled all or none."""
    return _bulk(request, caller, SCHEDULING)
