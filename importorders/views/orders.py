"""The dealer's order pages under /orders/: the list (and its CSV), one order, ordering a build.

Every page follows the write order of docs/architecture.md: the order loaded through the scoped
selector (another dealer's order is the site's 404), the role checked (403), the form validated
(400), the service called inside `write_in_scope` (it locks the row), and the page built from what
it returned. A service's refusal (409, 400, 422) is shown on the order's page as a message with
its status, never a 500. Back office staff see every dealer's orders here, with a dealer filter.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy, ngettext, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework import exceptions as drf_exceptions
from rest_framework.request import Request

from catalog.errors import ConfigurationInvalid
from catalog.models import Option, VehicleModel
from catalog.selectors import portal as catalog_portal
from catalog.selectors.configuration import trim_configuration_data
from catalog.services.configuration import configuration_check
from core import clock
from core.api.pagination import CursorPagination
from core.callers import Caller, get_caller
from core.errors import ApplicationError, Conflict, NotFound, PermissionDenied, ValidationFailed
from core.models import in_current_language
from core.portal import portal_page
from core.scoping import scoped, write_in_scope
from importorders.forms import OrderAmendForm, OrderCreateForm, PortalOrderFilter, ReasonForm, month_after
from importorders.models import Order, OrderEvent, OrderKind, OrderStatus
from importorders.pipeline import (
    AMENDABLE,
    CANCELLABLE,
    CHANGE_REQUESTABLE,
    MOVES,
    is_past_cutoff,
    may_make,
    moves_for,
    order_cutoff,
)
from importorders.selectors.dealers import dealer_of_caller
from importorders.selectors.orders import order_event_actor, order_event_list, order_get, order_list
from importorders.selectors.quotes import saved_quote_get
from importorders.services import orders as order_services

PAGE_SIZE = 25
NOT_A_DEALER = gettext_lazy("Orders are placed by a dealer's people.")


def sees_orders(caller: Caller) -> bool:
    """Dealer people see their dealer's orders; the back office sees every dealer's."""
    return caller.kind == "user" and (caller.is_dealer or caller.is_back_office)


def orders_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required; anyone who may not see orders gets the site's 404; errors become pages."""

    @login_required
    @portal_page
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        caller = get_caller(request)
        if not sees_orders(caller):
            raise NotFound
        return view(request, caller, *args, **kwargs)

    return wrapper


# --- the list ----------------------------------------------------------------------------------


class PortalPagination(CursorPagination):
    """Cursor pages of a portal list (the API's pagination: stable under inserts)."""

    page_size = PAGE_SIZE
    max_page_size = 100

    def page_link(self, url: str | None) -> str | None:
        """A link of DRF's (absolute) as a path and query: the page keeps every other choice."""
        if url is None:
            return None
        parts = urlsplit(url)
        return f"{parts.path}?{parts.query}" if parts.query else parts.path


class NewestFirst(PortalPagination):
    ordering = ("-created_at", "-id")


def query_of(request: HttpRequest) -> QueryDict:
    """The request's query without empty values (a form sends `model=` for "any")."""
    query = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        kept = [value for value in values if value.strip()]
        if kept:
            query.setlist(key, kept)
    return query


def paginate(request: HttpRequest, queryset, pagination: type[PortalPagination]):
    """(rows of this page, paginator) through the API's cursor pagination; a bad cursor is 400."""
    paginator = pagination()
    try:
        rows = paginator.paginate_queryset(queryset, Request(request))
    except drf_exceptions.ValidationError as exc:
        raise ValidationFailed(fields={"cursor": [_("Invalid cursor.")]}) from exc
    return rows, paginator


def filter_errors(filterset) -> ValidationFailed:
    return ValidationFailed(
        _("Please check the filters."),
        fields={name: [str(message) for message in errors] for name, errors in filterset.errors.items()},
    )


def _filtered(request: HttpRequest, caller: Caller) -> tuple[PortalOrderFilter, QueryDict]:
    query = query_of(request)
    query.pop("cursor", None)
    filterset = PortalOrderFilter(query, queryset=order_list(caller=caller), caller=caller)
    return filterset, query


def filter_choices(caller: Caller, filterset) -> dict[str, Any]:
    """What the filter form offers: statuses, kinds, the models the caller may see, dealers (staff)."""
    choices = {
        "statuses": OrderStatus.choices,
        "kinds": OrderKind.choices,
        "models": list(
            scoped(VehicleModel, caller).order_by("code").values_list("code", "name_ja", "name_en")
        ),
    }
    if "dealer" in filterset.filters:
        choices["dealers"] = list(
            filterset.filters["dealer"].queryset.values_list("code", "name_ja", "name_en")
        )
    return choices


@require_GET
@orders_page
def order_list_page(request: HttpRequest, caller: Caller) -> HttpResponse:
    """The caller's orders, newest first, filtered and searched; every choice in the query string."""
    filterset, query = _filtered(request, caller)
    context: dict[str, Any] = {
        "filters": query,
        "filter_values": {key: query.getlist(key) for key in query},
        "query": query.urlencode(),
        "today": clock.today_jst(),
        **filter_choices(caller, filterset),
    }
    if not filterset.is_valid():
        context["filter_errors"] = filter_errors(filterset).fields
        return render(request, "importorders/order_list.html", {**context, "rows": []}, status=400)
    rows, paginator = paginate(request, filterset.qs, NewestFirst)
    context.update(
        rows=rows,
        next_link=paginator.page_link(paginator.get_next_link()),
        previous_link=paginator.page_link(paginator.get_previous_link()),
        is_first_page=not request.GET.get("cursor"),
    )
    return render(request, "importorders/order_list.html", context)


# The export's columns: (header, value of an order). Headers follow the page's language.
def _yyyy_mm(day: dt.date | None) -> str:
    return day.strftime("%Y-%m") if day else ""


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _jst(at: dt.datetime | None) -> str:
    return clock.to_jst(at).strftime("%Y-%m-%d %H:%M") if at else ""


def spreadsheet_safe(text: str) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading apostrophe."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


EXPORT_COLUMNS: tuple[tuple[Any, Callable[[Order], Any]], ...] = (
    (gettext_lazy("reference"), lambda o: o.reference),
    (gettext_lazy("dealer"), lambda o: o.dealer.code),
    (gettext_lazy("dealer name"), lambda o: spreadsheet_safe(o.dealer.name)),
    (gettext_lazy("status"), lambda o: o.get_status_display()),
    (gettext_lazy("kind"), lambda o: o.get_kind_display()),
    (gettext_lazy("customer reference"), lambda o: spreadsheet_safe(o.customer_reference)),
    (gettext_lazy("model"), lambda o: o.trim.model_year.vehicle_model.code),
    (gettext_lazy("trim"), lambda o: o.trim.code),
    (gettext_lazy("colour"), lambda o: o.color.code),
    (gettext_lazy("options"), lambda o: " ".join(o.option_codes)),
    (gettext_lazy("requested month"), lambda o: _yyyy_mm(o.requested_month)),
    (gettext_lazy("priority"), lambda o: o.priority),
    (gettext_lazy("promised to the customer"), lambda o: _iso(o.promised_date)),
    (gettext_lazy("total (JPY)"), lambda o: "" if o.price_total_jpy is None else int(o.price_total_jpy)),
    (gettext_lazy("USD/JPY locked"), lambda o: "" if o.fx_rate is None else str(o.fx_rate)),
    (gettext_lazy("production week"), lambda o: _iso(o.production_week)),
    (gettext_lazy("created (JST)"), lambda o: _jst(o.created_at)),
    (gettext_lazy("status changed (JST)"), lambda o: _jst(o.status_changed_at)),
)


class _Echo:
    """A file-like object whose write returns what it was given (csv.writer into a stream)."""

    def write(self, value: str) -> str:
        return value


def export_rows(queryset) -> Iterator[str]:
    """The CSV, line by line: a BOM (Excel reads UTF-8 then), the headers, then every order.

    One query however many rows: the rows are read in chunks from one cursor, joined with what a
    row shows (dealer, trim, model, colour).
    """
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield "\ufeff" + writer.writerow([capfirst(str(header)) for header, _value in EXPORT_COLUMNS])
    for order in queryset.iterator(chunk_size=500):
        yield writer.writerow([value(order) for _header, value in EXPORT_COLUMNS])


@require_GET
@orders_page
def order_export(request: HttpRequest, caller: Caller) -> HttpResponse:
    """Exactly the list's orders (the same query, every page) as CSV for Excel, streamed."""
    filterset, _query = _filtered(request, caller)
    if not filterset.is_valid():
        raise filter_errors(filterset)
    language = get_language() or "ja"
    # The language is read while the request is served: the rows are written after the view returns.
    rows = (line.encode("utf-8") for line in _in_language(language, export_rows(filterset.qs)))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    stamp = clock.to_jst(clock.now()).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="orders-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def _in_language(language: str, lines: Iterator[str]) -> Iterator[str]:
    from django.utils import translation

    with translation.override(language):
        yield from lines


# --- one order ---------------------------------------------------------------------------------

FIELD_LABELS = {
    "kind": gettext_lazy("kind"),
    "customer_reference": gettext_lazy("customer reference"),
    "promised_date": gettext_lazy("promised to the customer"),
    "trim": gettext_lazy("trim"),
    "color_code": gettext_lazy("colour"),
    "option_codes": gettext_lazy("options"),
    "requested_month": gettext_lazy("requested month"),
    "priority": gettext_lazy("priority"),
    "notes": gettext_lazy("notes"),
    "price_total_jpy": gettext_lazy("total (JPY)"),
    "fx_rate": gettext_lazy("USD/JPY locked"),
    "fx_rate_date": gettext_lazy("FX rate date"),
    "production_week": gettext_lazy("production week"),
}
EVENT_HEADINGS = {
    OrderEvent.Kind.CREATED: pgettext_lazy("order event", "Created"),
    OrderEvent.Kind.MOVED: pgettext_lazy("order event", "Status changed"),
    OrderEvent.Kind.AMENDED: pgettext_lazy("order event", "Amended"),
    OrderEvent.Kind.REPRICED: pgettext_lazy("order event", "Re-priced"),
}


def _shown(field: str, value: Any) -> str:
    """A recorded value as a person reads it."""
    if value in (None, "", []):
        return "—"
    if field == "kind":
        return str(OrderKind(value).label) if value in OrderKind.values else str(value)
    if field == "price_total_jpy":
        return f"¥{int(float(value)):,}"
    if field == "requested_month" and isinstance(value, str):
        return value[:7]
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


@dataclass(frozen=True)
class TimelineEntry:
    """One event as the page shows it: what, when (JST), who, from → to, reason, before/after."""

    event: OrderEvent
    heading: str
    actor: dict[str, str]
    changes: list[tuple[str, str, str | None]]  # (label, before or value, after or None)

    @property
    def from_label(self) -> str:
        return OrderStatus(self.event.from_status).label if self.event.from_status else ""

    @property
    def to_label(self) -> str:
        return OrderStatus(self.event.to_status).label if self.event.to_status else ""


def timeline(caller: Caller, order: Order) -> list[TimelineEntry]:
    entries = []
    for event in order_event_list(caller=caller, order=order):
        changes: list[tuple[str, str, str | None]] = []
        for field, value in (event.changes or {}).items():
            label = str(FIELD_LABELS.get(field, field))
            if isinstance(value, dict) and set(value) == {"before", "after"}:
                changes.append((label, _shown(field, value["before"]), _shown(field, value["after"])))
            else:
                changes.append((label, _shown(field, value), None))
        entries.append(
            TimelineEntry(
                event=event,
                heading=str(EVENT_HEADINGS.get(event.kind, event.kind)),
                actor=order_event_actor(event, caller),
                changes=changes,
            )
        )
    return entries


@dataclass(frozen=True)
class Cutoff:
    """The change cut-off as a person reads it, counted on today's date in Japan."""

    date: dt.date
    days_left: int

    @property
    def text(self) -> str:
        day = self.date.isoformat()
        if self.days_left < 0:
            return _("The change cut-off passed on %(date)s (JST).") % {"date": day}
        if self.days_left == 0:
            return _("Today is the last day, %(date)s (JST).") % {"date": day}
        return ngettext(
            "%(days)d day left, until %(date)s (JST).",
            "%(days)d days left, until %(date)s (JST).",
            self.days_left,
        ) % {"days": self.days_left, "date": day}


def cutoff_of(order: Order, today: dt.date) -> Cutoff | None:
    date = order_cutoff(order)
    return None if date is None else Cutoff(date=date, days_left=(date - today).days)


def option_names(caller: Caller, order: Order) -> list[tuple[str, str]]:
    """(code, name) of the order's options, in the order's order; one query."""
    names = {
        code: in_current_language(ja=ja, en=en)
        for code, ja, en in scoped(Option, caller)
        .filter(maker_id=order.trim.model_year.vehicle_model.maker_id, code__in=order.option_codes)
        .values_list("code", "name_ja", "name_en")
    }
    return [(code, names.get(code, "")) for code in order.option_codes]


def price_lines(order: Order) -> list[dict[str, Any]]:
    """The recorded quote lines with their label in the page's language."""
    return [
        {**line, "label": in_current_language(ja=line.get("label_ja", ""), en=line.get("label_en", ""))}
        for line in order.price_lines
    ]


def detail_context(request: HttpRequest, caller: Caller, order: Order, **extra) -> dict[str, Any]:
    today = clock.today_jst()
    moves = moves_for(caller, order, today)
    cancel_closed = (
        caller.is_dealer
        and order.status in CANCELLABLE
        and "cancel" not in moves
        and is_past_cutoff(order, today)
    )
    return {
        "order": order,
        # Once the VIN is assigned (a missing vehicle reads as None, joined or not).
        "vehicle": getattr(order, "vehicle", None),
        "today": today,
        "model": order.trim.model_year.vehicle_model,
        "options": option_names(caller, order),
        "lines": price_lines(order),
        "cutoff": cutoff_of(order, today),
        "timeline": timeline(caller, order),
        "moves": moves,
        "may_amend": caller.is_dealer and order.status in AMENDABLE,
        "may_request_change": caller.is_dealer
        and order.status in CHANGE_REQUESTABLE
        and not is_past_cutoff(order, today),
        "cancel_closed": cancel_closed,
        "reason_form": extra.pop("reason_form", None) or ReasonForm(),
        **extra,
    }


@require_GET
@orders_page
def order_detail(request: HttpRequest, caller: Caller, reference: str) -> HttpResponse:
    """One order: status, build, terms, price, dates, cut-off, timeline and the caller's moves."""
    order = order_get(caller=caller, reference=reference, with_vehicle=True)
    return render(request, "importorders/order_detail.html", detail_context(request, caller, order))


def _refused_page(request, caller, order: Order, error: ApplicationError, **extra) -> HttpResponse:
    """The order's page again with the service's refusal as a message, with its status."""
    status = error.status_code if error.status_code in (400, 403, 409, 422) else 400
    # The order as it is now (the refused write changed nothing).
    current = order_get(caller=caller, reference=order.reference, with_vehicle=True)
    context = detail_context(request, caller, current, refusal=error, **extra)
    return render(request, "importorders/order_detail.html", context, status=status)


def _move_page(request: HttpRequest, caller: Caller, reference: str, name: str, service, *, reason: bool):
    order = order_get(caller=caller, reference=reference)  # 404: not theirs
    if not may_make(caller, MOVES[name]):  # 403: the role
        raise PermissionDenied()
    values: dict[str, Any] = {}
    form = None
    if reason:
        form = ReasonForm(request.POST)
        if not form.is_valid():  # 400: the input
            error = ValidationFailed(_("Give a reason."), fields={"reason": [_("Give a reason.")]})
            return _refused_page(request, caller, order, error, reason_form=form)
        values["reason"] = form.cleaned_data["reason"]
    try:
        moved = write_in_scope(caller, lambda: service(order=order, actor=caller.actor, **values))
    except ApplicationError as error:
        if isinstance(error, NotFound):
            raise
        return _refused_page(request, caller, order, error, reason_form=form)
    messages.success(
        request,
        _("Order %(reference)s: %(move)s.") % {"reference": moved.reference, "move": MOVES[name].label},
    )
    return redirect("orders:detail", reference=moved.reference)


@require_POST
@orders_page
def order_submit(request: HttpRequest, caller: Caller, reference: str) -> HttpResponse:
    """Draft → submitted (the dealer): checked again and priced today."""
    return _move_page(request, caller, reference, "submit", order_services.order_submit, reason=False)


@require_POST
@orders_page
def order_cancel(request: HttpRequest, caller: Caller, reference: str) -> HttpResponse:
    """Cancel with a reason (the dealer), until the change cut-off."""
    return _move_page(request, caller, reference, "cancel", order_services.order_cancel, reason=True)


@require_http_methods(["GET", "POST"])
@orders_page
def order_amend(request: HttpRequest, caller: Caller, reference: str) -> HttpResponse:
    """Change a draft or submitted order's build and terms (the dealer): the service checks the build
    (a broken one is listed rule by rule, nothing saved), re-prices a submitted order, and records
    what differs."""
    order = order_get(caller=caller, reference=reference)
    if not caller.is_dealer:
        raise PermissionDenied(NOT_A_DEALER)
    if order.status not in AMENDABLE:
        # Say so before the dealer types anything, and before checking what was posted (the
        # service refuses it too).
        return _refused_page(
            request,
            caller,
            order,
            Conflict(
                _("The order's status is %(status)s: it can no longer be changed.")
                % {"status": order.get_status_display()},
                code="not_amendable",
            ),
        )
    configuration = trim_configuration_data(trim_id=order.trim_id)
    form = OrderAmendForm.for_order(
        order, request.POST if request.method == "POST" else None, configuration=configuration
    )
    status = 200
    broken: tuple = ()
    if request.method == "POST":
        if form.is_valid():
            try:
                amended = write_in_scope(
                    caller,
                    lambda: order_services.order_amend(
                        order=order, actor=caller.actor, changes=form.changes()
                    ),
                )
            except ConfigurationInvalid as error:
                broken = error.errors
            except ApplicationError as error:
                if isinstance(error, NotFound):
                    raise
                if error.status_code == 409:
                    return _refused_page(request, caller, order, error)
                form.refused(error)
            else:
                messages.success(
                    request, _("Order %(reference)s: amended.") % {"reference": amended.reference}
                )
                return redirect("orders:detail", reference=amended.reference)
        status = 400
    context = {
        "order": order,
        "form": form,
        "broken": broken,
        "configure_query": urlencode(
            {"color": order.color.code if order.color_id else "", "options": list(order.option_codes)},
            doseq=True,
        ),
    }
    return render(request, "importorders/order_amend.html", context, status=status)


# --- ordering a build --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@orders_page
def order_new(request: HttpRequest, caller: Caller) -> HttpResponse:
    """Order the build from the configurator: `?trim=&color=&options=` shown read-only, the terms asked.

    Only a dealer's people order (the back office gets 403). The build is checked by the catalog
    engine when the page opens, and again by `order_create`; the draft's page follows, where it is
    submitted.
    """
    if not caller.is_dealer:
        raise PermissionDenied(NOT_A_DEALER)
    source = request.POST if request.method == "POST" else request.GET
    trim = catalog_portal.trim_for_caller(caller=caller, code=str(source.get("trim", ""))[:40])
    # "Order this build" from a saved quote: the quote must be the dealer's (another's is 404).
    saved_quote = saved_quote_get(caller=caller, number=str(source["quote"])) if source.get("quote") else None
    today = clock.today_jst()
    if request.method == "POST":
        form = OrderCreateForm(request.POST)
    else:
        form = OrderCreateForm(
            initial={
                "trim": trim.code,
                "color": request.GET.get("color", ""),
                "options": request.GET.getlist("options"),
                "kind": OrderKind.SOLD if saved_quote and saved_quote.customer_name else OrderKind.STOCK,
                "customer_reference": saved_quote.customer_name[:60] if saved_quote else "",
                "quote": saved_quote.number if saved_quote else "",
                "requested_month": month_after(today),
                "priority": 100,
            }
        )
    build = form.data if form.is_bound else form.initial
    color_code = str(build.get("color", "") or "")
    option_codes = (build.getlist("options") if hasattr(build, "getlist") else build.get("options")) or []
    data = trim_configuration_data(trim_id=trim.pk)
    broken: tuple = ()
    status = 200
    if request.method == "POST":
        if form.is_valid():
            dealer = dealer_of_caller(caller=caller)
            try:
                order = write_in_scope(
                    caller,
                    lambda: order_services.order_create(
                        dealer=dealer,
                        actor=caller.actor,
                        changes=form.changes(trim),
                        from_quote=saved_quote.number if saved_quote else "",
                    ),
                )
            except ConfigurationInvalid as error:
                broken = error.errors
            except ApplicationError as error:
                if isinstance(error, NotFound | PermissionDenied):
                    raise
                form.refused(error)
            else:
                messages.success(
                    request,
                    _("Draft order %(reference)s created. Check it and submit it.")
                    % {"reference": order.reference},
                )
                return redirect("orders:detail", reference=order.reference)
        status = 400
    else:
        broken = configuration_check(data=data, color_code=color_code, option_codes=option_codes).errors
        if broken:
            status = 400
    context = {
        "form": form,
        "trim": trim,
        "model": trim.model_year.vehicle_model,
        "color": data.colors.get(color_code),
        "color_code": color_code,
        "options": [(code, data.options.get(code)) for code in option_codes],
        "broken": broken,
        "configure_query": urlencode({"color": color_code, "options": option_codes}, doseq=True),
        "saved_quote": saved_quote,
    }
    return render(request, "importorders/order_new.html", context, status=status)


def order_new_url(trim_code: str, query: str) -> str:
    """Where the catalog's "Order this build" leads."""
    return f"{reverse('orders:new')}?{urlencode({'trim': trim_code})}&{query}"
