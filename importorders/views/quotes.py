"""The dealer's quote pages under /quotes/: both printouts of a build, saving it, saved quotes.

- `/quotes/estimate/?trim=&color=&options=&customer=&registration=`: the customer estimate
  (お見積書) of a build priced today; the customer's name is printed as typed and stored nowhere.
- `/quotes/save/` (POST, same fields): prices the build now and saves it, locked (its number,
  validity, FX rate and salesperson); the saved quote's page follows.
- `/quotes/`: the dealer's saved quotes, newest first, in cursor pages.
- `/quotes/<number>/`: one saved quote at its locked prices, valid or expired; its two printouts
  at `/quotes/<number>/estimate/` and `/quotes/<number>/internal/` (the landed-cost sheet, 社内用);
  "Order this build" leads to `/orders/new/` with the build and the quote's number; an expired
  quote offers "re-quote at today's prices" (the live estimate of the same build).

Pages follow the write order: a saved quote is loaded through the scoped selector (another dealer's
is the site's 404), the role is checked (only a dealer's people quote: the back office gets 403),
the form is validated (400), the service writes. Refusals of the catalog (a broken build 400, a
missing price or rate 422) are shown on the page with their status.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from catalog.errors import ConfigurationInvalid
from catalog.selectors import portal as catalog_portal
from catalog.selectors.configuration import trim_configuration_data
from catalog.services.records import estimate_from_record, quote_from_record
from core import clock
from core.callers import Caller, get_caller
from core.errors import ApplicationError, NotFound, PermissionDenied
from core.portal import portal_page
from core.scoping import write_in_scope
from importorders.forms_quotes import QuoteBuildForm
from importorders.models import SavedQuote
from importorders.selectors.dealers import dealer_of_caller
from importorders.selectors.quotes import saved_quote_get, saved_quote_list
from importorders.services import quotes as quote_services
from importorders.views.orders import PortalPagination, paginate

NOT_A_DEALER = gettext_lazy("Quotes are made by a dealer's people.")


class QuotesNewestFirst(PortalPagination):
    ordering = ("-issued_at", "-id")


def quotes_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required; only a dealer's people (anyone else: the site's 404); errors become pages."""

    @login_required
    @portal_page
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        caller = get_caller(request)
        if caller.kind != "user" or not (caller.is_dealer or caller.is_back_office):
            raise NotFound
        return view(request, caller, *args, **kwargs)

    return wrapper


def build_query(trim_code: str, color: str, options, **extra) -> str:
    """The query string of a build (and the estimate's extra fields), in one order."""
    pairs = {"trim": trim_code, "color": color, "options": list(options)}
    pairs.update({key: value for key, value in extra.items() if value})
    return urlencode(pairs, doseq=True)


def _dealer_facts(caller: Caller):
    """The caller's dealer (name and address printed on the estimate)."""
    return dealer_of_caller(caller=caller)


def _input(form: QuoteBuildForm, trim, data) -> quote_services.QuoteInput:
    cleaned = form.cleaned_data
    return quote_services.QuoteInput(
        trim=trim,
        color_code=cleaned["color"],
        option_codes=tuple(cleaned["options"]),
        customer_name=cleaned["customer"],
        registration_month=cleaned["registration"],
        data=data,
    )


@require_GET
@quotes_page
def quote_estimate(request: HttpRequest, caller: Caller) -> HttpResponse:
    """The customer estimate of a build priced today (nothing stored); a form to save it."""
    if not caller.is_dealer:
        raise PermissionDenied(NOT_A_DEALER)
    now = clock.now()
    today = clock.to_jst(now).date()
    form = QuoteBuildForm(request.GET)
    trim_code = str(request.GET.get("trim", ""))[:40]
    trim = catalog_portal.trim_for_caller(caller=caller, code=trim_code)
    data = trim_configuration_data(trim_id=trim.pk)
    context = {
        "trim": trim,
        "data": data,
        "form": form,
        "now": now,
        "dealer": _dealer_facts(caller),
        "salesperson": quote_services.salesperson_name(caller.actor),
    }
    status = 200
    if not form.is_valid():
        status = 400
    else:
        try:
            priced = quote_services.quote_price(build=_input(form, trim, data), on_date=today)
        except ConfigurationInvalid as error:
            context["broken"] = error.errors
            status = 400
        except ApplicationError as error:
            if isinstance(error, NotFound | PermissionDenied):
                raise
            context["failure"] = error
            status = error.status_code
        else:
            context.update(
                quote=priced.quote,
                estimate=priced.estimate,
                valid_until=priced.valid_until,
                issued_on=priced.issued_on,
                customer_name=form.cleaned_data["customer"],
                registration_month=priced.registration_month,
            )
        context["build_query"] = build_query(
            trim.code, form.cleaned_data["color"], form.cleaned_data["options"]
        )
    return render(request, "importorders/quotes/estimate.html", context, status=status)


@require_POST
@quotes_page
def quote_save(request: HttpRequest, caller: Caller) -> HttpResponse:
    """Price the posted build now and save it for the caller's dealer; its page follows."""
    if not caller.is_dealer:
        raise PermissionDenied(NOT_A_DEALER)
    form = QuoteBuildForm(request.POST)
    trim = catalog_portal.trim_for_caller(caller=caller, code=str(request.POST.get("trim", ""))[:40])
    if not form.is_valid():
        return render(
            request,
            "importorders/quotes/estimate.html",
            {"trim": trim, "form": form, "now": clock.now(), "dealer": _dealer_facts(caller)},
            status=400,
        )
    dealer = dealer_of_caller(caller=caller)
    saved = write_in_scope(
        caller,
        lambda: quote_services.quote_save(dealer=dealer, actor=caller.actor, build=_input(form, trim, None)),
    )
    messages.success(request, _("Quote %(number)s saved.") % {"number": saved.number})
    return redirect("quotes:detail", number=saved.number)


@require_GET
@quotes_page
def quote_list_page(request: HttpRequest, caller: Caller) -> HttpResponse:
    """The caller's saved quotes, newest first (the back office: every dealer's)."""
    # A row shows the totals, not the locked records: those stay in the database.
    queryset = saved_quote_list(caller=caller).defer("quote_record", "estimate_record")
    rows, paginator = paginate(request, queryset, QuotesNewestFirst)
    context = {
        "rows": rows,
        "today": clock.today_jst(),
        "next_link": paginator.page_link(paginator.get_next_link()),
        "previous_link": paginator.page_link(paginator.get_previous_link()),
    }
    return render(request, "importorders/quotes/list.html", context)


def _saved_context(caller: Caller, saved: SavedQuote) -> dict:
    today = clock.today_jst()
    trim = saved.trim
    return {
        "saved": saved,
        "trim": trim,
        "quote": quote_from_record(saved.quote_record),
        "estimate": estimate_from_record(saved.estimate_record),
        "expired": saved.expired_on(today),
        "today": today,
        "dealer": saved.dealer,
        "salesperson": saved.salesperson,
        "customer_name": saved.customer_name,
        "registration_month": saved.registration_month,
        "issued_on": saved.issued_on,
        "valid_until": saved.valid_until,
        "now": saved.issued_at,
        "data": trim_configuration_data(trim_id=trim.pk),
        "build_query": build_query(trim.code, saved.color_code, saved.option_codes),
        "requote_query": build_query(
            trim.code,
            saved.color_code,
            saved.option_codes,
            customer=saved.customer_name,
            registration=saved.registration_month.strftime("%Y-%m")
            if saved.registration_month >= today.replace(day=1)
            else "",
        ),
        "order_query": build_query(trim.code, saved.color_code, saved.option_codes, quote=saved.number),
        "may_order": caller.is_dealer and not saved.expired_on(today),
    }


@require_GET
@quotes_page
def quote_detail(request: HttpRequest, caller: Caller, number: str) -> HttpResponse:
    """One saved quote at its locked prices; expired past its validity, with a re-quote action."""
    saved = saved_quote_get(caller=caller, number=number)
    return render(request, "importorders/quotes/detail.html", _saved_context(caller, saved))


@require_GET
@quotes_page
def quote_print_estimate(request: HttpRequest, caller: Caller, number: str) -> HttpResponse:
    """The customer estimate of a saved quote, as it was priced."""
    saved = saved_quote_get(caller=caller, number=number)
    return render(request, "importorders/quotes/estimate.html", _saved_context(caller, saved))


@require_GET
@quotes_page
def quote_print_internal(request: HttpRequest, caller: Caller, number: str) -> HttpResponse:
    """The landed-cost sheet (社内用, internal use) of a saved quote, as it was priced."""
    saved = saved_quote_get(caller=caller, number=number)
    return render(request, "importorders/quotes/internal.html", _saved_context(caller, saved))
