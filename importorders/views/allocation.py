"""Allocation on the portal (namespace `allocation`, under /allocation/).

- `/allocation/` (`allocation:panel`): the dealer's own allocations of published months: quota,
  used, remaining, the orders waiting with their place in the queue, the ledger line by line, accept
  (all or some) and decline before the deadline, and a chart of the 12 months up to next month, allocated
  vs used (inline SVG, no script).
- `/allocation/board/` (`allocation:board`): the back office's board for one month: each model's
  supply, every dealer's proposal, override, quota, accepted and used, with totals that equal the
  supply (quotas plus the units held back); an override of one dealer with a reason, publication.
- `POST /allocation/board/supply/` (`allocation:supply`): enter or change a model's month of supply
  (units at no plant in particular and/or per-plant lines), before publication.

Views stay thin: the selectors read (scoped), importorders.services.allocation judges and writes,
and `core.portal.portal_page` turns its errors into the site's pages.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from catalog.models import Plant, VehicleModel
from core import clock
from core.callers import Caller, get_caller
from core.csv_files import csv_records, csv_text
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.portal import portal_page
from core.scoping import get_scoped_or_404, scoped
from importorders.models import (
    Allocation,
    AllocationEntry,
    Dealer,
    EntryKind,
    Order,
    OrderStatus,
    Supply,
    SupplyLine,
)
from importorders.selectors.orders import order_event_actor
from importorders.services import allocation as services


def _month_add(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_of(text: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(f"{text}-01") if text and len(text) == 7 else default
    except ValueError:
        return default


def dealer_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required; the dealer's people only (anyone else: the site's 404)."""

    @login_required
    @portal_page
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        caller = get_caller(request)
        if not caller.is_dealer:
            raise NotFound
        return view(request, caller, *args, **kwargs)

    return wrapper


def office_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required; 404 outside the back office, 403 for back office without operations."""

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


def sees_panel(caller: Caller) -> bool:
    return caller.kind == "user" and caller.is_dealer


def sees_board(caller: Caller) -> bool:
    return caller.kind == "user" and caller.is_operations


# --- the dealer's panel ----------------------------------------------------------------------


def _chart(caller: Caller, today: dt.date) -> list[dict]:
    """12 months up to next month (published allocations are for the months ahead): units allocated
    and used, with the bars' geometry."""
    last = _month_add(today.replace(day=1), 1)
    first = _month_add(last, -11)
    rows = (
        scoped(Allocation, caller)
        .filter(supply__month__gte=first, supply__month__lte=last)
        .values("supply__month")
        .annotate(quota=Sum("quota"), used=Sum("used"))
        .order_by()
    )
    by_month = {row["supply__month"]: row for row in rows}
    months = [_month_add(first, n) for n in range(12)]
    top = max([1, *(max(r["quota"], r["used"]) for r in by_month.values())])
    chart = []
    for n, month in enumerate(months):
        row = by_month.get(month, {"quota": 0, "used": 0})
        quota_h, used_h = round(100 * row["quota"] / top), round(100 * row["used"] / top)
        chart.append(
            {
                "month": month,
                "quota": row["quota"],
                "used": row["used"],
                # SVG geometry: a pair of bars per month on a 120-unit baseline.
                "x": 8 + n * 39,
                "x_used": 24 + n * 39,
                "quota_h": quota_h,
                "quota_y": 110 - quota_h,
                "used_h": used_h,
                "used_y": 110 - used_h,
            }
        )
    return chart


@require_GET
@dealer_page
def panel(request: HttpRequest, caller: Caller) -> HttpResponse:
    today = clock.today_jst()
    allocations = list(
        scoped(Allocation, caller)
        .filter(supply__month__gte=today.replace(day=1))
        .select_related("supply__vehicle_model", "dealer")
        .order_by("supply__month", "supply__vehicle_model__code")
    )
    entries = (
        scoped(AllocationEntry, caller)
        .filter(allocation__in=allocations)
        .select_related("order", "formula")
        .order_by("id")
    )
    by_allocation: dict[int, list] = {a.pk: [] for a in allocations}
    for entry in entries:
        entry.actor_dealer_id = caller.dealer_id if entry.actor_user_id else None
        entry.shown_actor = order_event_actor(entry, caller)
        by_allocation[entry.allocation_id].append(entry)
    waiting = (
        scoped(Order, caller)
        .filter(status=OrderStatus.SUBMITTED, requested_month__gte=today.replace(day=1))
        .select_related("trim__model_year__vehicle_model")
        .order_by("pk")
    )
    queues: dict[tuple, list] = {}
    for order in waiting:
        key = (order.trim.model_year.vehicle_model_id, order.requested_month)
        queues.setdefault(key, []).append(order)
    rows = []
    for allocation in allocations:
        supply = allocation.supply
        queue = queues.get((supply.vehicle_model_id, supply.month), [])
        positions = sorted(((services.queue_position(o) or 0, o) for o in queue), key=lambda p: p[0])
        rows.append(
            {
                "allocation": allocation,
                "entries": by_allocation[allocation.pk],
                "waiting": [
                    {"order": o, "position": p, "in_line": p <= allocation.remaining} for p, o in positions
                ],
                "open": supply.deadline is not None and today <= supply.deadline,
            }
        )
    return render(
        request,
        "importorders/allocation/panel.html",
        {"rows": rows, "chart": _chart(caller, today), "today": today},
    )


def _allocation_for(caller: Caller, pk: int) -> Allocation:
    return get_scoped_or_404(
        scoped(Allocation, caller).select_related("supply__vehicle_model"), caller, pk=pk
    )


def _units(request: HttpRequest) -> int | None:
    text = (request.POST.get("units") or "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 6:
        raise ValidationFailed(fields={"units": [_("Give a whole number of units.")]})
    return int(text)


@require_POST
@dealer_page
def accept(request: HttpRequest, caller: Caller, pk: int) -> HttpResponse:
    allocation = _allocation_for(caller, pk)
    done = services.allocation_accept(allocation=allocation, actor=caller.actor, units=_units(request))
    messages.success(
        request,
        _("%(model)s %(month)s: %(units)s units accepted.")
        % {
            "model": allocation.supply.vehicle_model.code,
            "month": allocation.supply.month.strftime("%Y-%m"),
            "units": done.accepted,
        },
    )
    return redirect("allocation:panel")


@require_POST
@dealer_page
def decline(request: HttpRequest, caller: Caller, pk: int) -> HttpResponse:
    allocation = _allocation_for(caller, pk)
    services.allocation_decline(
        allocation=allocation,
        actor=caller.actor,
        units=_units(request),
        reason=(request.POST.get("reason") or "")[:500],
    )
    messages.success(request, _("Units declined."))
    return redirect("allocation:panel")


# --- the back office's board -----------------------------------------------------------------


@require_GET
@office_page
def board(request: HttpRequest, caller: Caller) -> HttpResponse:
    today = clock.today_jst()
    month = _month_of(request.GET.get("month"), _month_add(today.replace(day=1), 1))
    supplies = list(
        scoped(Supply, caller)
        .filter(month=month)
        .select_related("vehicle_model", "formula")
        .order_by("vehicle_model__code")
    )
    totals = dict(
        SupplyLine.objects.filter(supply__in=supplies)
        .values("supply")
        .annotate(units=Sum("units"))
        .order_by()
        .values_list("supply", "units")
    )
    allocations = (
        scoped(Allocation, caller)
        .filter(supply__in=supplies)
        .select_related("dealer")
        .order_by("dealer__code")
    )
    by_supply: dict[int, list] = {s.pk: [] for s in supplies}
    for allocation in allocations:
        by_supply[allocation.supply_id].append(allocation)
    boards = []
    for supply in supplies:
        rows = by_supply[supply.pk]
        allocated = sum(a.quota for a in rows)
        boards.append(
            {
                "supply": supply,
                "units": totals.get(supply.pk, 0),
                "rows": rows,
                "proposed": sum(a.proposed for a in rows),
                "allocated": allocated,
                "used": sum(a.used for a in rows),
                "accepted": sum(a.accepted or 0 for a in rows),
                "adds_up": allocated + supply.pool == totals.get(supply.pk, 0),
            }
        )
    return render(
        request,
        "importorders/allocation/board.html",
        {
            "boards": boards,
            "month": month,
            "previous": _month_add(month, -1),
            "next": _month_add(month, 1),
            "dealers": scoped(Dealer, caller).filter(active=True).order_by("code"),
            "default_deadline": today + dt.timedelta(days=7),
            "models": scoped(VehicleModel, caller).order_by("code"),
            "plants": scoped(Plant, caller).order_by("code"),
            "plant_lines": range(SUPPLY_PLANT_LINES),
        },
    )


def _back(month: dt.date) -> HttpResponse:
    return redirect(f"{reverse('allocation:board')}?month={month:%Y-%m}")


@require_POST
@office_page
def override(request: HttpRequest, caller: Caller, pk: int) -> HttpResponse:
    supply = get_scoped_or_404(Supply, caller, pk=pk)
    dealer = get_scoped_or_404(Dealer, caller, code=(request.POST.get("dealer") or "")[:20])
    units = _units(request)
    if units is None:
        raise ValidationFailed(fields={"units": [_("Give a whole number of units.")]})
    changes = {dealer: units}
    # After publication an override moves units: the other dealer named gives them.
    give_from = (request.POST.get("from_dealer") or "").strip()[:20]
    if give_from:
        donor = get_scoped_or_404(Dealer, caller, code=give_from)
        current = (
            Allocation.objects.filter(supply=supply, dealer=dealer).values_list("quota", flat=True).first()
            or 0
        )
        donor_quota = (
            Allocation.objects.filter(supply=supply, dealer=donor).values_list("quota", flat=True).first()
            or 0
        )
        changes[donor] = donor_quota - (units - current)
    services.allocation_override(
        supply=supply, actor=caller.actor, changes=changes, reason=request.POST.get("reason") or ""
    )
    messages.success(
        request, _("Override recorded: %(dealer)s %(units)s units.") % {"dealer": dealer.code, "units": units}
    )
    return _back(supply.month)


SUPPLY_PLANT_LINES = 3  # the per-plant rows the board's form offers


def _whole(text: str, field: str) -> int:
    text = text.strip()
    if text.startswith("-") and text[1:].isdigit():
        raise ValidationFailed(fields={field: [_("Units cannot be negative.")]})
    if not text.isdigit() or len(text) > 6:
        raise ValidationFailed(fields={field: [_("Give a whole number of units.")]})
    return int(text)


@require_POST
@office_page
def supply(request: HttpRequest, caller: Caller) -> HttpResponse:
    """Enter or change a model's month of supply: `model` (code), `month` (YYYY-MM), `units` (at no
    plant in particular, optional) and up to three `plant`/`plant_units` pairs. Every field is checked
    before anything is written (400); a published month is the service's 409."""
    code = (request.POST.get("model") or "").strip()[:20]
    vehicle_model = scoped(VehicleModel, caller).filter(code=code).first() if code else None
    if vehicle_model is None:
        raise ValidationFailed(fields={"model": [_("Choose a model of the catalogue.")]})
    text = (request.POST.get("month") or "").strip()
    try:
        if len(text) != 7 or text[4] != "-":
            raise ValueError(text)
        month = dt.date.fromisoformat(f"{text}-01")
    except ValueError as exc:
        raise ValidationFailed(fields={"month": [_("Give a month as YYYY-MM.")]}) from exc
    lines: dict = {}
    units = (request.POST.get("units") or "").strip()
    if units:
        lines[None] = _whole(units, "units")
    plants = {p.code: p for p in scoped(Plant, caller)}
    for plant_code, plant_units in zip(
        request.POST.getlist("plant"), request.POST.getlist("plant_units"), strict=False
    ):
        plant_code, plant_units = plant_code.strip()[:20], plant_units.strip()
        if not plant_code and not plant_units:
            continue
        plant = plants.get(plant_code)
        if plant is None:
            raise ValidationFailed(fields={"plant": [_("Choose a plant for each line with units.")]})
        if plant in lines:
            raise ValidationFailed(fields={"plant": [_("Give each plant once.")]})
        lines[plant] = _whole(plant_units, "plant_units")
    if not lines:
        raise ValidationFailed(fields={"units": [_("Give the units of the month, in total or per plant.")]})
    done = services.supply_set(vehicle_model=vehicle_model, month=month, actor=caller.actor, lines=lines)
    messages.success(
        request,
        _("Supply of %(model)s for %(month)s: %(units)s units.")
        % {"model": vehicle_model.code, "month": f"{month:%Y-%m}", "units": services.supply_total(done)},
    )
    return _back(month)


@require_POST
@office_page
def propose(request: HttpRequest, caller: Caller, pk: int) -> HttpResponse:
    supply = get_scoped_or_404(Supply, caller, pk=pk)
    services.allocation_propose(supply=supply, actor=caller.actor)
    messages.success(request, _("Proposal computed by the formula."))
    return _back(supply.month)


@require_POST
@office_page
def publish(request: HttpRequest, caller: Caller, pk: int) -> HttpResponse:
    supply = get_scoped_or_404(Supply, caller, pk=pk)
    try:
        deadline = dt.date.fromisoformat(request.POST.get("deadline") or "")
    except ValueError as exc:
        raise ValidationFailed(fields={"deadline": [_("Give a date.")]}) from exc
    services.allocation_publish(supply=supply, actor=caller.actor, deadline=deadline)
    messages.success(request, _("Published to the dealers."))
    return _back(supply.month)


# --- CSV of quotas ---------------------------------------------------------------------------

CSV_HEADERS = ("model", "month", "dealer", "quota")


@require_GET
@office_page
def export(request: HttpRequest, caller: Caller) -> HttpResponse:
    """The month's quotas as CSV (UTF-8 with a BOM, which Excel reads): model, month, dealer, quota."""
    today = clock.today_jst()
    month = _month_of(request.GET.get("month"), _month_add(today.replace(day=1), 1))
    rows = (
        scoped(Allocation, caller)
        .filter(supply__month=month)
        .select_related("supply__vehicle_model", "dealer")
        .order_by("supply__vehicle_model__code", "dealer__code")
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for a in rows:
        writer.writerow((a.supply.vehicle_model.code, f"{month:%Y-%m}", a.dealer.code, a.quota))
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="quotas-{month:%Y-%m}.csv"'
    return response


@require_POST
@office_page
def import_quotas(request: HttpRequest, caller: Caller) -> HttpResponse:
    """Set the quotas of the file's rows (UTF-8 with or without a BOM, or Shift_JIS), one `import`
    entry per changed allocation, all or nothing; every bad line is named (400)."""
    upload = request.FILES.get("file")
    if upload is None or upload.size > 2_000_000:
        raise ValidationFailed(fields={"file": [_("Choose a CSV file (at most 2 MB).")]})
    records = csv_records(csv_text(upload.read()))
    if not records or [c.strip().lower() for c in records[0][1]][:4] != list(CSV_HEADERS):
        raise ValidationFailed(fields={"file": [_("The first line must be: model,month,dealer,quota")]})
    supplies = {
        (s.vehicle_model.code, f"{s.month:%Y-%m}"): s
        for s in scoped(Supply, caller).select_related("vehicle_model")
    }
    dealers = {d.code: d for d in scoped(Dealer, caller)}
    changes: dict[int, dict] = {}
    problems = []
    for line, cells in records[1:]:
        if not any(c.strip() for c in cells):
            continue
        model, month, code, units = ([c.strip() for c in cells] + ["", "", "", ""])[:4]
        supply = supplies.get((model, month))
        if supply is None:
            problems.append(
                _("Line %(line)s: no supply of %(model)s for %(month)s.")
                % {"line": line, "model": model, "month": month}
            )
        elif code not in dealers:
            problems.append(_("Line %(line)s: unknown dealer %(code)s.") % {"line": line, "code": code})
        elif not units.isdigit():
            problems.append(_("Line %(line)s: the quota must be a whole number.") % {"line": line})
        else:
            changes.setdefault(supply.pk, {"supply": supply, "quotas": {}})["quotas"][dealers[code]] = int(
                units
            )
    if problems:
        raise ValidationFailed(fields={"file": problems})
    with transaction.atomic():
        for change in changes.values():
            services.allocation_override(
                supply=change["supply"],
                actor=caller.actor,
                changes=change["quotas"],
                reason=_("CSV import: %(name)s") % {"name": upload.name[:100]},
                kind=EntryKind.IMPORT,
            )
    messages.success(request, _("Quotas imported."))
    first = next(iter(changes.values()), None)
    return _back(first["supply"].month) if first else redirect("allocation:board")
