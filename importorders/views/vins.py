"""The back office's VIN pages (namespace `office`): the queue of scheduled orders awaiting a VIN,
each row with a VIN and build date to assign, and the upload of the plant's build list.

Operations (and admins) only: a dealer or partner gets the site's 404 (back-office pages are not
theirs to know of), compliance staff 403. Filters and the cursor are in the query string, so Back,
reload and the language switch keep them; a row's assignment is a POST that comes back to the same
filtered page. Every write goes through importorders.services.vehicles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.errors import VinInvalid
from catalog.models import VehicleModel
from core import clock
from core.callers import Caller, get_caller
from core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from core.portal import portal_page
from core.scoping import scoped
from importorders.models import Order
from importorders.selectors.orders import order_get
from importorders.selectors.vehicles import vin_queue
from importorders.services import vehicles as vehicle_services

PAGE_SIZE = 25


def office_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required; 404 for anyone outside the back office, 403 for back office without operations."""

    @login_required
    @portal_page
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        caller = get_caller(request)
        if not caller.is_back_office:
            raise NotFound
        if not caller.is_operations:
            raise PermissionDenied()
        return view(request, caller, *args, **kwargs)

    return wrapper


class QueueFilterForm(forms.Form):
    """The queue's filters: a model, a production week (any day of it), and the page's cursor."""

    model = forms.ChoiceField(label=_("Model"), required=False)
    week = forms.DateField(
        label=_("Production week"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Any day of the week."),
    )
    cursor = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args, caller: Caller, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        models = scoped(VehicleModel, caller).order_by("code")
        self.fields["model"].choices = [("", _("All models")), *((m.code, m.name) for m in models)]

    def clean_week(self) -> dt.date | None:
        week = self.cleaned_data["week"]
        return None if week is None else week - dt.timedelta(days=week.weekday())

    def clean_cursor(self) -> tuple[dt.date, int] | None:
        """`<production week>.<row id>` of the last row of the page before."""
        text = self.cleaned_data["cursor"]
        if not text:
            return None
        try:
            week, pk = text.split(".")
            return dt.date.fromisoformat(week), int(pk)
        except ValueError as exc:
            raise forms.ValidationError(_("This page link is not valid: start from the first page.")) from exc


class VinAssignForm(forms.Form):
    """One row's assignment: the order, its VIN and build date (and the filters to come back to)."""

    reference = forms.CharField(max_length=20, widget=forms.HiddenInput)
    vin = forms.CharField(label=_("VIN"), max_length=64)
    build_date = forms.DateField(
        label=_("Build date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class BuildListForm(forms.Form):
    file = forms.FileField(label=_("Build list (CSV)"))


def _filters_query(data) -> str:
    """The queue's filters from a GET or a row's POST, as a query string (nothing else passes)."""
    return urlencode({key: data[key] for key in ("model", "week", "cursor") if data.get(key)})


def _queue_context(request: HttpRequest, caller: Caller, data) -> tuple[dict, int]:
    """The queue page for these filters: its rows, the next page's link; status 400 for bad filters."""
    form = QueueFilterForm(data, caller=caller)
    if not form.is_valid():
        return {"filters": form, "rows": [], "today": clock.today_jst()}, 400
    values = form.cleaned_data
    orders = vin_queue(caller=caller, model_code=values["model"] or None, week=values["week"])
    if values["cursor"]:
        week, pk = values["cursor"]
        # Keyset paging on (production week, id): the index order_status_week serves it.
        orders = orders.filter(Q(production_week__gt=week) | Q(production_week=week, id__gt=pk))
    rows = list(orders[: PAGE_SIZE + 1])
    for order in rows:  # what the row's hint shows (prefetched: no query)
        order.expected_wmis = " / ".join(w.wmi for w in order.trim.model_year.plant.wmis.all()) or "—"
    next_query = None
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        last = rows[-1]
        next_query = urlencode(
            {
                **{key: data[key] for key in ("model", "week") if data.get(key)},
                "cursor": f"{last.production_week.isoformat()}.{last.pk}",
            }
        )
    first_query = urlencode({key: data[key] for key in ("model", "week") if data.get(key)})
    context = {
        "filters": form,
        "rows": rows,
        "today": clock.today_jst(),
        "next_query": next_query,
        "first_query": first_query if values["cursor"] else None,
        "filters_query": _filters_query(data),
    }
    return context, 200


@require_GET
@office_page
def vin_queue_page(request: HttpRequest, caller: Caller) -> HttpResponse:
    """Scheduled orders awaiting a VIN, filtered by model and production week, a page at a time."""
    context, status = _queue_context(request, caller, request.GET)
    return render(request, "importorders/vins/queue.html", context, status=status)


def _row_error(error: ApplicationError) -> list[str]:
    """The messages a row shows for a refused assignment (each VIN problem names its position)."""
    if isinstance(error, VinInvalid):
        return [problem.message for problem in error.problems]
    found = [message for messages_ in error.fields.values() for message in messages_]
    return [str(message) for message in found] or [str(error.message)]


@require_POST
@office_page
def vin_assign(request: HttpRequest, caller: Caller) -> HttpResponse:
    """Assign one row's VIN; back to the same filtered page, or that page with the row's errors."""
    form = VinAssignForm(request.POST)
    back = reverse("office:vins")
    query = _filters_query(request.POST)
    if not form.is_valid():
        order = None
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        status = 400
    else:
        order: Order = order_get(caller=caller, reference=form.cleaned_data["reference"])
        try:
            built = vehicle_services.order_assign_vin(
                order=order,
                actor=caller.actor,
                vin=form.cleaned_data["vin"],
                build_date=form.cleaned_data["build_date"],
            )
        except ApplicationError as error:
            if error.status_code not in (400, 409):
                raise
            errors, status = _row_error(error), error.status_code
        else:
            messages.success(
                request,
                _("Order %(reference)s is built, with the VIN %(vin)s.")
                % {"reference": built.reference, "vin": built.vehicle.vin},
            )
            return redirect(f"{back}?{query}" if query else back)
    context, _status = _queue_context(request, caller, request.POST)
    context.update(
        {
            "error_reference": order.reference if order else request.POST.get("reference", ""),
            "row_errors": errors,
            "error_on_page": any(
                row.reference == (order.reference if order else None) for row in context["rows"]
            ),
            "typed_vin": request.POST.get("vin", ""),
            "typed_build_date": request.POST.get("build_date", ""),
        }
    )
    return render(request, "importorders/vins/queue.html", context, status=status)


@require_http_methods(["GET", "POST"])
@office_page
def vin_upload(request: HttpRequest, caller: Caller) -> HttpResponse:
    """The plant's build list: all or nothing; every bad row shown by its line."""
    if request.method == "GET":
        return render(
            request,
            "importorders/vins/upload.html",
            {"form": BuildListForm(), "example_date": clock.today_jst()},
        )
    form = BuildListForm(request.POST, request.FILES)
    context: dict = {"form": form, "example_date": clock.today_jst()}
    if form.is_valid():
        try:
            raw = form.cleaned_data["file"].read(vehicle_services.MAX_FILE_BYTES + 1)
            result = vehicle_services.orders_assign_vins(
                actor=caller.actor, rows=vehicle_services.build_list_read(raw)
            )
        except ValidationFailed as error:
            context["refusal"] = error
            context["row_problems"] = _row_problems(error)
        else:
            message = ngettext(
                "%(count)s VIN assigned: its order is built.",
                "%(count)s VINs assigned: their orders are built.",
                result.assigned,
            ) % {"count": result.assigned}
            if result.unchanged:
                message += " " + ngettext(
                    "%(count)s row already carried its VIN: unchanged.",
                    "%(count)s rows already carried their VINs: unchanged.",
                    result.unchanged,
                ) % {"count": result.unchanged}
            messages.success(request, message)
            return redirect("office:vins_upload")
    return render(request, "importorders/vins/upload.html", context, status=400)


def _row_problems(error: ValidationFailed) -> list[dict]:
    """The refusal's problems by line, in file order: [{line, messages}]; file-level ones under 0."""
    by_line: dict[int, list[str]] = {}
    for detail in error.details:
        if "line" in detail and error.code == vehicle_services.BuildListInvalid.default_code:
            by_line.setdefault(detail["line"], []).append(detail["message"])
    return [{"line": line, "messages": found} for line, found in sorted(by_line.items())]
