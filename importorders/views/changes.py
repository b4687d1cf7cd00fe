"""Change requests on the portal: the dealer's request form and the back office's queue.

- `/orders/<reference>/change/` (`orders:change_request`): the order's current build, its change
  cut-off (Japan date, days left), the colours and port-installed options that may change, a
  reason; "check" prices the change (before and after) without writing, "send" makes the request.
  A pending request is shown with a withdraw button instead of the form; earlier requests below.
- `/office/change-requests/` (`office:change_requests`): pending requests oldest first with their
  age, filtered by model and dealer in the query string, cursor-paged; approve, or refuse with a
  reason, per request (each POST returns to the queue as it was filtered).

Views stay thin: the selectors read (scoped), the services in importorders.services.changes judge
and write, and `core.portal.portal_page` turns their errors into the site's pages.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.errors import ConfigurationInvalid
from catalog.models import Installation, VehicleModel
from catalog.selectors.configuration import ConfigurationData, trim_configuration_data
from core import clock
from core.callers import Caller, get_caller
from core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from core.models import in_current_language
from core.portal import portal_page
from core.scoping import get_scoped_or_404, scoped
from importorders.models import ChangeRequest, ChangeRequestStatus, Dealer, Order
from importorders.pipeline import CHANGE_REQUESTABLE, is_past_cutoff, order_cutoff
from importorders.selectors.changes import change_request_list, change_request_queue
from importorders.selectors.orders import order_get
from importorders.services import changes as services

QUEUE_PAGE_SIZE = 25


def signed_in_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required; application errors become the site's pages; the view gets the caller."""

    @login_required
    @portal_page
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return view(request, get_caller(request), *args, **kwargs)

    return wrapper


# The dealer's form --------------------------------------------------------------------------------


class ChangeRequestForm(forms.Form):
    """A colour of the trim, its port-installed options, and the reason (needed to send, not to check)."""

    color = forms.ChoiceField(label=gettext_lazy("Colour"), widget=forms.RadioSelect)
    options = forms.MultipleChoiceField(
        label=gettext_lazy("Port-installed options"), required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, data_for: ConfigurationData, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["color"].choices = [(c.code, c.code) for c in data_for.colors.values() if c.on_trim]
        self.fields["options"].choices = [(code, code) for code in port_options(data_for)]


def port_options(data: ConfigurationData) -> list[str]:
    """The trim's port-installed options, in the catalog's order: what a change request may add or remove."""
    return [
        facts.code
        for facts in data.options.values()
        if facts.on_trim and facts.installation == Installation.PORT
    ]


def _new_option_codes(order: Order, data: ConfigurationData, ports: list[str]) -> tuple[str, ...]:
    """The order's options with its port-installed ones replaced by those ticked (factory ones stay)."""
    port = set(port_options(data))
    kept = [code for code in order.option_codes if code not in port]
    return tuple(kept + [code for code in ports if code not in kept])


def _dealer_order(caller: Caller, reference: str) -> Order:
    order = order_get(caller=caller, reference=reference)
    if not caller.is_dealer:
        raise PermissionDenied(_("Change requests are made by the order's dealer."))
    return order


def _form_context(
    *, caller: Caller, order: Order, data: ConfigurationData, form, today: dt.date, **extra
) -> dict:
    cutoff = order_cutoff(order)
    requests = list(change_request_list(caller=caller, order=order))
    pending = next((r for r in requests if r.status == ChangeRequestStatus.PENDING), None)
    chosen_color = form["color"].value() if form.is_bound else order.color.code
    chosen_ports = set(form["options"].value() or []) if form.is_bound else set(order.option_codes)
    return {
        "order": order,
        "data": data,
        "form": form,
        "cutoff": cutoff,
        "days_left": (cutoff - today).days if cutoff else None,
        "open": order.status in CHANGE_REQUESTABLE and not is_past_cutoff(order, today),
        "past_cutoff": is_past_cutoff(order, today),
        "pending": pending,
        "history": [r for r in requests if r is not pending],
        "colors": [c for c in data.colors.values() if c.on_trim],
        "ports": [data.options[code] for code in port_options(data)],
        "factory": [
            data.options[code]
            for code in order.option_codes
            if code in data.options and data.options[code].installation != Installation.PORT
        ],
        "chosen_color": chosen_color,
        "chosen_ports": chosen_ports,
        **extra,
    }


@require_http_methods(["GET", "POST"])
@signed_in_page
def change_request(request: HttpRequest, caller: Caller, reference: str) -> HttpResponse:
    """The dealer's change-request form for one order (GET); POST `action=check` prices, `send` asks."""
    today = clock.today_jst()
    order = _dealer_order(caller, reference)
    data = trim_configuration_data(trim_id=order.trim_id)
    if request.method == "GET":
        form = ChangeRequestForm(data_for=data)
        return render(
            request,
            "importorders/changes/request.html",
            _form_context(caller=caller, order=order, data=data, form=form, today=today),
        )
    form = ChangeRequestForm(request.POST, data_for=data)
    action = request.POST.get("action", "check")
    extra: dict = {}
    status = 200
    if not form.is_valid():
        status = 400
    else:
        color = form.cleaned_data["color"]
        options = _new_option_codes(order, data, form.cleaned_data["options"])
        reason = form.cleaned_data["reason"]
        try:
            if action == "send":
                if not reason.strip():
                    raise ValidationFailed(fields={"reason": [_("Give a reason.")]})
                services.change_request_create(
                    order=order, actor=caller.actor, color_code=color, option_codes=options, reason=reason
                )
                messages.success(request, _("Your change request was sent to the back office."))
                return redirect("orders:change_request", reference=order.reference)
            extra["checked"] = services.change_request_quote(
                order=order, color_code=color, option_codes=options
            )
        except ConfigurationInvalid as error:
            extra["refused"], status = error, 400
        except ValidationFailed as error:
            extra["refused"], status = error, 400
            for field, field_messages in error.fields.items():
                for message in field_messages:
                    form.add_error(field if field in form.fields else None, message)
        except ApplicationError as error:
            if error.status_code not in (409, 422):
                raise
            extra["refused"], status = error, error.status_code
    context = _form_context(caller=caller, order=order, data=data, form=form, today=today, **extra)
    return render(request, "importorders/changes/request.html", context, status=status)


@require_POST
@signed_in_page
def change_request_withdraw(request: HttpRequest, caller: Caller, reference: str, pk: int) -> HttpResponse:
    """The dealer withdraws its pending request."""
    order = _dealer_order(caller, reference)
    change = get_scoped_or_404(change_request_list(caller=caller, order=order), caller, pk=pk)
    services.change_request_withdraw(change_request=change, actor=caller.actor)
    messages.success(request, _("Your change request was withdrawn."))
    return redirect("orders:change_request", reference=order.reference)


# The back office's queue --------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    """?model=CAMRY&dealer=TKY001&cursor=..."""

    model = forms.ChoiceField(label=gettext_lazy("Model"), required=False)
    dealer = forms.ChoiceField(label=gettext_lazy("Dealer"), required=False)
    cursor = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args, caller: Caller, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        everyone = [("", _("All"))]
        models = scoped(VehicleModel, caller).order_by("code").values_list("code", "name_ja", "name_en")
        dealers = scoped(Dealer, caller).order_by("code").values_list("code", "name_ja", "name_en")
        self.fields["model"].choices = everyone + [
            (code, f"{code} {in_current_language(ja=ja, en=en)}") for code, ja, en in models
        ]
        self.fields["dealer"].choices = everyone + [
            (code, f"{code} {in_current_language(ja=ja, en=en)}") for code, ja, en in dealers
        ]


def cursor_encode(change: ChangeRequest) -> str:
    raw = f"{change.created_at.isoformat()}|{change.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(text: str) -> tuple[dt.datetime, int]:
    """The position after which the next page starts; ValidationFailed for anything else."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        at, pk = raw.split("|")
        position = dt.datetime.fromisoformat(at), int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ValidationFailed(fields={"cursor": [_("Invalid cursor.")]}) from exc
    if position[0].tzinfo is None:
        raise ValidationFailed(fields={"cursor": [_("Invalid cursor.")]})
    return position


def _office(caller: Caller) -> None:
    """Operations only: others in the back office get 403, anyone else the site's 404."""
    if not caller.is_back_office:
        raise NotFound()
    if not caller.is_operations:
        raise PermissionDenied()


def _age(since: dt.datetime, now: dt.datetime) -> str:
    minutes = max(int((now - since).total_seconds() // 60), 0)
    if minutes < 60:
        return _("%(n)d min") % {"n": minutes}
    if minutes < 48 * 60:
        return _("%(n)d h") % {"n": minutes // 60}
    return _("%(n)d days") % {"n": minutes // (24 * 60)}


@require_GET
@signed_in_page
def change_request_queue_page(request: HttpRequest, caller: Caller) -> HttpResponse:
    """Pending change requests, oldest first, with approve and refuse."""
    _office(caller)
    now = clock.now()
    form = QueueFilterForm(request.GET, caller=caller)
    if not form.is_valid():
        raise ValidationFailed(
            fields={name: [str(e) for e in errors] for name, errors in form.errors.items()}
        )
    filters = {k: form.cleaned_data[k] for k in ("model", "dealer") if form.cleaned_data[k]}
    queryset = change_request_queue(caller=caller, **filters)
    if form.cleaned_data["cursor"]:
        at, pk = cursor_decode(form.cleaned_data["cursor"])
        queryset = queryset.filter(created_at__gte=at).exclude(created_at=at, pk__lte=pk)
    rows = list(queryset[: QUEUE_PAGE_SIZE + 1])
    more = len(rows) > QUEUE_PAGE_SIZE
    rows = rows[:QUEUE_PAGE_SIZE]
    for row in rows:
        row.age = _age(row.created_at, now)
        row.cutoff = order_cutoff(row.order)
    next_query = urlencode({**filters, "cursor": cursor_encode(rows[-1])}) if more else None
    context = {
        "form": form,
        "rows": rows,
        "filters": filters,
        "filter_query": urlencode(filters),
        "next_query": next_query,
        "paged": bool(form.cleaned_data["cursor"]),
        "here": request.get_full_path(),
    }
    return render(request, "importorders/changes/queue.html", context)


def _back_to_queue(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    safe = target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    if safe and target.startswith(reverse("office:change_requests")):
        return redirect(target)
    return redirect("office:change_requests")


def _queued(caller: Caller, pk: int) -> ChangeRequest:
    return get_scoped_or_404(ChangeRequest.objects.select_related("order"), caller, pk=pk)


@require_POST
@signed_in_page
def change_request_approve(request: HttpRequest, caller: Caller, pk: int) -> HttpResponse:
    """Operations approve one request; back to the queue as it was filtered."""
    _office(caller)
    change = _queued(caller, pk)
    services.change_request_approve(change_request=change, actor=caller.actor)
    messages.success(
        request, _("Change request for order %(reference)s approved.") % {"reference": change.order.reference}
    )
    return _back_to_queue(request)


@require_POST
@signed_in_page
def change_request_refuse(request: HttpRequest, caller: Caller, pk: int) -> HttpResponse:
    """Operations refuse one request with the reason the dealer reads."""
    _office(caller)
    change = _queued(caller, pk)
    reason = request.POST.get("reason", "")
    if len(reason) > 2000:
        raise ValidationFailed(fields={"reason": [_("Keep the reason under 2,000 characters.")]})
    services.change_request_refuse(change_request=change, actor=caller.actor, reason=reason)
    messages.success(
        request, _("Change request for order %(reference)s refused.") % {"reference": change.order.reference}
    )
    return _back_to_queue(request)
