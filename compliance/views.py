"""Compliance pages of the portal.

- `/vehicles/` (`compliance:vehicles`): the caller's vehicles (a dealer: its own) with where each
  file stands; `/vehicles/<vin>/` (`compliance:vehicle`): why the vehicle is not ready in plain
  words, its route strip and the promise against the estimate, its one timeline (order, shipment
  and compliance: importorders.views.vehicle_timeline), the checklist, an upload per requirement
  the caller may submit (several files at once, dragged in), and every version with who uploaded
  it and every decision.
- `/vehicles/documents/<id>/download/`: the file, as an attachment (the same view as the API's).
- `/office/reviews/` (`compliance-office:reviews`): the review queue, oldest first, filtered by
  state, document type, dealer and who must act, with the document beside approve / reject.

Views stay thin: selectors read (scoped), services judge and write, `core.portal.portal_page` turns
their errors into the site's pages. Another dealer's vehicle or document is the site's 404.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from compliance.models import DocumentReview, DocumentStatus, DocumentType
from compliance.roles import is_compliance, submitter_role
from compliance.selectors.documents import document_get, document_list, document_type_get, review_queue
from compliance.selectors.readiness import readiness_for_vehicles, readiness_of
from compliance.services import documents as services
from core import clock
from core.callers import Caller, get_caller
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.portal import portal_page
from core.scoping import scoped
from core.storage import private_file_response
from importorders.selectors.vehicles import vehicle_get, vehicle_list
from importorders.views.vehicle_timeline import vehicle_timeline_context

PAGE_SIZE = 25
MAX_FILES_PER_UPLOAD = 10


def signed_in_page(view):
    """Login required; application errors become the site's pages; the view gets the caller."""

    @login_required
    @portal_page
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return view(request, get_caller(request), *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def sees_vehicles(caller: Caller) -> bool:
    return caller.kind == "user" and (caller.is_dealer or caller.is_back_office)


def _age(since: dt.datetime, now: dt.datetime) -> str:
    minutes = max(int((now - since).total_seconds() // 60), 0)
    if minutes < 60:
        return _("%(n)d min") % {"n": minutes}
    if minutes < 48 * 60:
        return _("%(n)d h") % {"n": minutes // 60}
    return _("%(n)d days") % {"n": minutes // (24 * 60)}


# The dealer's side --------------------------------------------------------------------------------


@require_GET
@signed_in_page
def vehicle_list_page(request: HttpRequest, caller: Caller) -> HttpResponse:
    """The caller's vehicles, newest first, each with its file's counts (25 a page, by offset id)."""
    if not sees_vehicles(caller):
        raise NotFound()
    rows = vehicle_list(caller=caller).order_by("-id")
    before = request.GET.get("before", "")
    if before:
        if not before.isdigit():
            raise ValidationFailed(fields={"before": [_("Invalid cursor.")]})
        rows = rows.filter(pk__lt=int(before))
    vehicles = list(rows[: PAGE_SIZE + 1])
    more = len(vehicles) > PAGE_SIZE
    vehicles = vehicles[:PAGE_SIZE]
    readiness = readiness_for_vehicles(vehicles=vehicles, today=clock.today_jst())
    for vehicle in vehicles:
        vehicle.readiness = readiness[vehicle.pk]
    context = {"vehicles": vehicles, "next_before": vehicles[-1].pk if more else None, "paged": bool(before)}
    return render(request, "compliance/vehicle_list.html", context)


def _vehicle_context(caller: Caller, vehicle) -> dict:
    today = clock.today_jst()
    readiness = readiness_of(vehicle=vehicle, today=today)
    role = submitter_role(caller)
    for item in readiness.items:
        document_type = item.document_type
        item.may_upload = document_type.target == "vehicle" and {
            "dealer": document_type.submit_dealer,
            "back_office": document_type.submit_back_office,
        }.get(role or "", False)
        item.accept = ",".join(
            {"pdf": "application/pdf,.pdf", "jpeg": "image/jpeg,.jpg,.jpeg", "png": "image/png,.png"}[kind]
            for kind in document_type.accepted_kinds
        )
    history = list(
        document_list(caller=caller)
        .filter(vehicle=vehicle)
        .prefetch_related(scoped_reviews(caller))
        .order_by("document_type__sort_order", "-version")
    )
    return {
        **vehicle_timeline_context(caller, vehicle, today),
        "vehicle": vehicle,
        "readiness": readiness,
        "history": history,
        "may_review": is_compliance(caller),
        "max_files": MAX_FILES_PER_UPLOAD,
    }


def scoped_reviews(caller: Caller):
    from django.db.models import Prefetch

    return Prefetch(
        "reviews", queryset=scoped(DocumentReview, caller).order_by("created_at", "id"), to_attr="decisions"
    )


@require_GET
@signed_in_page
def vehicle_page(request: HttpRequest, caller: Caller, vin: str) -> HttpResponse:
    """One vehicle's checklist, uploads and history."""
    if not sees_vehicles(caller):
        raise NotFound()
    vehicle = vehicle_get(caller=caller, vin=vin)
    return render(request, "compliance/vehicle.html", _vehicle_context(caller, vehicle))


class UploadForm(forms.Form):
    document_type = forms.CharField(max_length=40)
    issued_on = forms.DateField(required=False, label=gettext_lazy("Issued on"))


@require_POST
@signed_in_page
def vehicle_upload(request: HttpRequest, caller: Caller, vin: str) -> HttpResponse:
    """Upload one or several files for one requirement (each a new version, checked on its own)."""
    if not sees_vehicles(caller):
        raise NotFound()
    vehicle = vehicle_get(caller=caller, vin=vin)
    role = submitter_role(caller)
    form = UploadForm(request.POST)
    files = request.FILES.getlist("file")
    if not form.is_valid() or not files:
        raise ValidationFailed(fields={"file": [_("Choose a file to upload.")]})
    if len(files) > MAX_FILES_PER_UPLOAD:
        raise ValidationFailed(
            fields={"file": [_("At most %(n)d files at once.") % {"n": MAX_FILES_PER_UPLOAD}]}
        )
    document_type = document_type_get(caller=caller, code=form.cleaned_data["document_type"])
    stored = 0
    refused = []
    for upload in files:
        try:
            services.document_upload(
                document_type=document_type,
                actor=caller.actor,
                submitter=role,
                content=upload,
                original_name=upload.name or "",
                vehicle=vehicle,
                issued_on=form.cleaned_data.get("issued_on"),
            )
            stored += 1
        except (ValidationFailed, Conflict) as error:
            refused.append(f"{upload.name}: {error.message}")
    if stored:
        messages.success(request, _("%(n)d file(s) uploaded for review.") % {"n": stored})
    for line in refused:
        messages.error(request, line)
    if refused and not stored:
        # Nothing was stored: the page answers with the refusal's status (400/409), not a redirect.
        context = _vehicle_context(caller, vehicle)
        context["refused"] = refused
        return render(request, "compliance/vehicle.html", context, status=400)
    return redirect("compliance:vehicle", vin=vehicle.vin)


@require_GET
@signed_in_page
def document_download(request: HttpRequest, caller: Caller, pk: int) -> HttpResponse:
    """A document's file as an attachment, to those who may see the document."""
    document = document_get(caller=caller, pk=pk)
    return private_file_response(
        key=document.storage_key, kind=document.file_kind, download_name=document.download_name
    )


# The back office's review queue -------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=[("", gettext_lazy("all")), *DocumentStatus.choices],
    )
    document_type = forms.ChoiceField(label=gettext_lazy("Document type"), required=False)
    dealer = forms.CharField(label=gettext_lazy("Dealer code"), required=False, max_length=40)
    next_actor = forms.ChoiceField(
        label=gettext_lazy("Who must act"),
        required=False,
        choices=[
            ("", gettext_lazy("anyone")),
            ("compliance", gettext_lazy("compliance")),
            ("dealer", gettext_lazy("dealer")),
        ],
    )
    after = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, caller: Caller, **kwargs):
        super().__init__(*args, **kwargs)
        types = scoped(DocumentType, caller).order_by("sort_order", "code")
        self.fields["document_type"].choices = [("", gettext_lazy("all")), *((t.code, t.name) for t in types)]


def _reviewer(caller: Caller) -> None:
    """Compliance staff only: other back-office staff get 403, anyone else the site's 404."""
    if not caller.is_back_office:
        raise NotFound()
    if not is_compliance(caller):
        raise PermissionDenied()


@require_GET
@signed_in_page
def review_queue_page(request: HttpRequest, caller: Caller) -> HttpResponse:
    """Documents by review state, oldest first, with their age, who must act, and the decisions."""
    _reviewer(caller)
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = DocumentStatus.SUBMITTED
    form = QueueFilterForm(data, caller=caller)
    if not form.is_valid():
        raise ValidationFailed(
            fields={name: [str(e) for e in errors] for name, errors in form.errors.items()}
        )
    filters = {k: form.cleaned_data[k] for k in ("status", "document_type", "dealer", "next_actor")}
    rows = review_queue(caller=caller, **filters)
    after = form.cleaned_data.get("after")
    if after:
        rows = rows.filter(pk__gt=after)  # created_at follows the id: one sequence, one clock
    documents = list(rows.order_by("id")[: PAGE_SIZE + 1])
    more = len(documents) > PAGE_SIZE
    documents = documents[:PAGE_SIZE]
    now = clock.now()
    for document in documents:
        document.age = _age(document.created_at, now)
        document.next_actor = {
            DocumentStatus.SUBMITTED: "compliance",
            DocumentStatus.REJECTED: document.document_type.submitter,
        }.get(document.status)
    query = {k: v for k, v in filters.items() if v}
    context = {
        "form": form,
        "documents": documents,
        "filter_query": urlencode(query),
        "next_query": urlencode({**query, "after": documents[-1].pk}) if more else None,
        "paged": bool(after),
        "here": request.get_full_path(),
    }
    return render(request, "compliance/review_queue.html", context)


def _back(request: HttpRequest, default: str) -> HttpResponse:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        return redirect(target)
    return redirect(default)


@require_POST
@signed_in_page
def review_approve(request: HttpRequest, caller: Caller, pk: int) -> HttpResponse:
    """Approve one document; back to where the reviewer was."""
    document = document_get(caller=caller, pk=pk)
    _reviewer(caller)
    services.document_approve(
        document=document, actor=caller.actor, reason=request.POST.get("reason", "")[:2000]
    )
    messages.success(request, _("%(document)s approved.") % {"document": document.document_type.name})
    return _back(request, "compliance-office:reviews")


@require_POST
@signed_in_page
def review_reject(request: HttpRequest, caller: Caller, pk: int) -> HttpResponse:
    """Reject one document with the reason the dealer reads; back to where the reviewer was."""
    document = document_get(caller=caller, pk=pk)
    _reviewer(caller)
    services.document_reject(
        document=document, actor=caller.actor, reason=request.POST.get("reason", "")[:2000]
    )
    messages.success(request, _("%(document)s rejected.") % {"document": document.document_type.name})
    return _back(request, "compliance-office:reviews")
