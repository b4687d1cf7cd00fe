"""The back office's custody pages: exceptions on vehicles, and the handover inspection form.

- `/office/exceptions/` (`office:exceptions`): every exception, open first then newest, filtered by
  kind and status (in the query string), 25 a page; each open one resolved with a resolution and a
  reason (`exception_resolve`: the order is released on commit when nothing else holds it).
  Damage from inspections, customs holds, unfit events, stale shipments and slipping arrivals all
  come here through the same service. Operations resolve; other back-office staff read.
- `/office/inspections/new/` (`office:inspection_new`): the handover inspection of one vehicle at a
  change of custody, with photos taken on the phone (camera capture) and damage rows coded by the
  M-22 scheme; every damage row raises an exception.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.callers import Caller, get_caller
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.portal import portal_page
from core.scoping import get_scoped_or_404, scoped
from importorders.models import (
    CustodyPoint,
    DamageCode,
    ExceptionKind,
    ExceptionResolution,
    ExceptionStatus,
    VehicleException,
)
from importorders.selectors.vehicles import vehicle_get
from importorders.services.exceptions import exception_resolve
from importorders.services.inspections import DamageInput, PhotoInput, inspection_record

PAGE_SIZE = 25
DAMAGE_ROWS = 4


def _page(view):
    @login_required
    @portal_page
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return view(request, get_caller(request), *args, **kwargs)

    wrapper.__name__, wrapper.__doc__ = view.__name__, view.__doc__
    return wrapper


def _back_office(caller: Caller) -> None:
    if not caller.is_back_office or caller.kind != "user":
        raise NotFound()


class ExceptionFilter(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("all")), *ExceptionKind.choices],
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("all")), *ExceptionStatus.choices],
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000, widget=forms.HiddenInput)


@require_GET
@_page
def exception_queue(request: HttpRequest, caller: Caller) -> HttpResponse:
    """Exceptions, open first, newest first within; resolve form per open one (operations)."""
    _back_office(caller)
    form = ExceptionFilter(request.GET)
    if not form.is_valid():
        raise ValidationFailed(
            fields={name: [str(e) for e in errors] for name, errors in form.errors.items()}
        )
    rows = scoped(VehicleException, caller).select_related("vehicle__order__dealer")
    filters = {k: form.cleaned_data[k] for k in ("kind", "status") if form.cleaned_data[k]}
    if filters.get("kind"):
        rows = rows.filter(kind=filters["kind"])
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    # "open" sorts before "resolved": open first, then the newest.
    rows = rows.order_by("status", "-created_at", "-id")
    page = form.cleaned_data.get("page") or 1
    found = list(rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    context = {
        "form": form,
        "rows": found[:PAGE_SIZE],
        "resolutions": ExceptionResolution.choices,
        "may_resolve": caller.is_operations,
        "next_query": urlencode({**filters, "page": page + 1}) if len(found) > PAGE_SIZE else None,
        "first_query": urlencode(filters) if page > 1 else None,
        "here": request.get_full_path(),
    }
    return render(request, "importorders/exceptions/queue.html", context)


@require_POST
@_page
def exception_resolve_page(request: HttpRequest, caller: Caller, pk: int) -> HttpResponse:
    """Resolve one exception with a resolution and a reason (operations)."""
    _back_office(caller)
    exception = get_scoped_or_404(VehicleException.objects.select_related("vehicle"), caller, pk=pk)
    if not caller.is_operations:
        raise PermissionDenied()
    exception_resolve(
        exception=exception,
        actor=caller.actor,
        resolution=request.POST.get("resolution", ""),
        reason=request.POST.get("reason", "")[:2000],
    )
    messages.success(request, _("Exception resolved."))
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/office/exceptions/") else "office:exceptions")


class InspectionForm(forms.Form):
    vin = forms.CharField(label=gettext_lazy("VIN"), max_length=64)
    custody_point = forms.ChoiceField(label=gettext_lazy("Handed over at"), choices=CustodyPoint.choices)
    location = forms.CharField(label=gettext_lazy("Location"), max_length=200, required=False)
    note = forms.CharField(
        label=gettext_lazy("Note"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


@require_http_methods(["GET", "POST"])
@_page
def inspection_new(request: HttpRequest, caller: Caller) -> HttpResponse:
    """The handover inspection form; a recorded inspection returns to the exceptions it raised."""
    _back_office(caller)
    if not caller.is_operations:
        raise PermissionDenied()
    codes = scoped(DamageCode, caller).filter(active=True)
    by_dimension = {"area": [], "type": [], "severity": []}
    for code in codes:
        by_dimension[code.dimension].append(code)
    form = InspectionForm(request.POST or None, initial={"vin": request.GET.get("vin", "")})
    if request.method == "POST" and form.is_valid():
        vehicle = vehicle_get(caller=caller, vin=form.cleaned_data["vin"])
        damages = []
        for index in range(DAMAGE_ROWS):
            area, kind, severity = (
                request.POST.get(f"damage-{index}-{part}", "") for part in ("area", "type", "severity")
            )
            if area or kind or severity:
                damages.append(
                    DamageInput(
                        area=area,
                        damage_type=kind,
                        severity=severity,
                        note=request.POST.get(f"damage-{index}-note", ""),
                    )
                )
        photos = [
            PhotoInput(content=upload, name=upload.name or "") for upload in request.FILES.getlist("photos")
        ]
        inspection = inspection_record(
            vehicle=vehicle,
            actor=caller.actor,
            custody_point=form.cleaned_data["custody_point"],
            location=form.cleaned_data["location"],
            note=form.cleaned_data["note"],
            damages=damages,
            photos=photos,
        )
        messages.success(
            request,
            _("Inspection recorded: %(photos)d photo(s), %(damages)d damage(s).")
            % {"photos": inspection.photos.count(), "damages": len(damages)},
        )
        return redirect(f"{redirect('office:exceptions').url}?kind=damage")
    context = {"form": form, "codes": by_dimension, "rows": range(DAMAGE_ROWS)}
    return render(request, "importorders/exceptions/inspection_form.html", context)
