"""The dealer portal's catalog pages: models, trims, comparison, configurator and printable quote.

Views stay thin: the selectors in `catalog.selectors.portal` read (scoped to the caller), the
engine (`configuration_check`) judges a build and `quote_build` prices it. A caller who may not
see the catalog, and anything not theirs to see, gets the same 404 as a page that does not exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from catalog.configurator import Build, BuildReview, build_review
from catalog.errors import ConfigurationInvalid
from catalog.forms import CompareForm, ConfigurationForm
from catalog.models.scoping import sees_catalog
from catalog.selectors import portal
from catalog.selectors.configuration import ConfigurationData, trim_configuration_data
from catalog.selectors.fx import fx_freshness
from catalog.services.configuration import ConfigurationError, ConfigurationResult, configuration_check
from catalog.services.quote import Quote, quote_build
from core import clock
from core.callers import Caller, get_caller
from core.errors import ApplicationError, NotFound
from core.portal import portal_page


def catalog_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required; a caller who may not see the catalog, or a row not theirs, gets a 404.

    Application errors become pages in core's one place (`core.portal.portal_page`): NotFound the
    site's 404 page, PermissionDenied 403, ValidationFailed 400, Conflict 409, Unprocessable 422.
    """

    @login_required
    @portal_page
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        caller = get_caller(request)
        if not sees_catalog(caller):
            raise NotFound
        return view(request, caller, *args, **kwargs)

    return wrapper


@require_GET
@catalog_page
def model_list(request: HttpRequest, caller: Caller) -> HttpResponse:
    """The models the caller may order, grouped by maker."""
    today = clock.today_jst()
    catalog = portal.catalog_for_caller(caller=caller, on_date=today)
    context = {"catalog": catalog, "today": today, "fx": fx_freshness(on_date=today)}
    return render(request, "catalog/model_list.html", context)


@require_GET
@catalog_page
def model_detail(request: HttpRequest, caller: Caller, code: str) -> HttpResponse:
    """A model's trims with specifications and today's prices, to compare or configure."""
    today = clock.today_jst()
    detail = portal.model_for_caller(caller=caller, code=code, on_date=today)
    context = {"detail": detail, "today": today, "fx": fx_freshness(on_date=today)}
    return render(request, "catalog/model_detail.html", context)


@require_GET
@catalog_page
def compare(request: HttpRequest, caller: Caller) -> HttpResponse:
    """Two to four trims side by side; a clear message (400) for any other request."""
    today = clock.today_jst()
    form = CompareForm(request.GET)
    rows: list[portal.TrimRow] = []
    unknown: list[str] = []
    if form.is_valid():
        rows, unknown = portal.trims_for_comparison(
            caller=caller, codes=form.cleaned_data["trims"], on_date=today
        )
    ok = form.is_valid() and not unknown
    context = {"form": form, "rows": rows if ok else [], "unknown": unknown, "today": today}
    return render(request, "catalog/compare.html", context, status=200 if ok else 400)


@dataclass(frozen=True)
class Outcome:
    """What checking a build gave: a quote, the broken rules, or why it could not be priced.

    While the build is broken, `stale_quote` is the price of the last valid build (`stale_build`),
    shown out of date until the build is repaired.
    """

    quote: Quote | None = None
    errors: tuple[ConfigurationError, ...] = ()
    failure: ApplicationError | None = None
    input_errors: tuple[str, ...] = ()
    result: ConfigurationResult | None = None
    stale_quote: Quote | None = None
    stale_build: Build | None = None


def _build_of(form: ConfigurationForm, prefix: str = "") -> Build:
    if not form.is_valid():
        return Build()
    return Build(
        color=form.cleaned_data[f"{prefix}color"], options=tuple(form.cleaned_data[f"{prefix}options"])
    )


def _evaluate(*, trim, data: ConfigurationData, form: ConfigurationForm, on_date: dt.date) -> Outcome:
    """Check the build with the engine, and price it on `on_date` (the request's today) when valid;
    when it is broken, price the last valid build the form carries (if any) for the stale price."""
    if not form.is_valid():
        return Outcome(input_errors=tuple(str(error) for errors in form.errors.values() for error in errors))
    build = _build_of(form)
    # The engine's answer for the page (included and excluded options, the options at fault): pure.
    result = configuration_check(data=data, color_code=build.color, option_codes=build.options)
    if not result.valid:
        stale_build = _build_of(form, "last_")
        stale_quote = None
        if stale_build.color and stale_build != build:
            try:
                stale_quote = quote_build(
                    trim=trim,
                    color_code=stale_build.color,
                    option_codes=stale_build.options,
                    on_date=on_date,
                    data=data,
                )
            except ApplicationError:
                stale_quote = None  # the last build is no longer valid or priced: no price to keep
        return Outcome(
            errors=result.errors,
            result=result,
            stale_quote=stale_quote,
            stale_build=stale_build if stale_quote else None,
        )
    try:
        # The engine data this request already loaded: the quote checks the build with it (no
        # queries) and prices it, without loading it a second time.
        quote = quote_build(
            trim=trim, color_code=build.color, option_codes=build.options, on_date=on_date, data=data
        )
    except ConfigurationInvalid as exc:
        return Outcome(errors=exc.errors, result=result)
    except ApplicationError as exc:
        return Outcome(failure=exc, result=result)
    return Outcome(quote=quote, result=result)


def _first_free_color(configurator: portal.Configurator | None) -> str:
    """The first colour at no extra cost: the configurator never preselects a paid colour."""
    if configurator is None:
        return ""
    return next((choice.color.code for choice in configurator.colors if choice.fob_usd == 0), "")


def _result_context(
    *, configurator_trim, data: ConfigurationData, form, outcome: Outcome, suggested_color: str = ""
) -> dict:
    build = _build_of(form)
    review = (
        build_review(data=data, build=build, result=outcome.result, suggested_color=suggested_color)
        if outcome.result
        else BuildReview(build=build)
    )
    # The build the form carries as the last valid one: this build when it is priced, else the one
    # whose stale price the page keeps (so the next broken build still shows it).
    last_build = build if outcome.quote else outcome.stale_build
    configure_url = reverse("catalog:configure", args=[configurator_trim.code])
    build_query = build.query()
    if outcome.stale_build and not outcome.quote:
        build_query += "&" + outcome.stale_build.query(prefix="last_")
    return {
        "trim": configurator_trim,
        "outcome": outcome,
        "review": review,
        # what the quote, the order form and "Back to the configurator" link to: the build itself
        "quote_query": build.query(),
        # the configurator's address for this state (the browser's address bar follows it)
        "build_url": f"{configure_url}?{build_query}",
        "last_build": last_build,
        "fix_suffix": f"&{outcome.stale_build.query(prefix='last_')}" if outcome.stale_build else "",
        "selected_color": build.color,
    }


@require_GET
@catalog_page
def configure(request: HttpRequest, caller: Caller, code: str) -> HttpResponse:
    """The configurator: the build is the query string (`?color=&options=`), so a reload, Back and
    Forward, the language switch and a shared link show the same build. Without a colour the first
    colour at no extra cost is chosen (never a paid one: the first price is the base price)."""
    today = clock.today_jst()
    configurator = portal.configurator_for_caller(caller=caller, code=code, on_date=today)
    data = request.GET.copy()
    if not data.get("color"):
        data["color"] = _first_free_color(configurator)
    return _configurator_page(request, configurator, ConfigurationForm(data), on_date=today)


@require_http_methods(["GET", "POST"])
@catalog_page
def configure_check(request: HttpRequest, caller: Caller, code: str) -> HttpResponse:
    """htmx (`HX-Request`): the configurator's choices and result for the build, and the total for
    the live region; the script then puts the build's address in the address bar. Without htmx
    (a form posted by an older page, a bookmarked check address): a redirect to the configurator's
    address for the same build, so nothing answers with a blank 405."""
    today = clock.today_jst()
    submitted = request.POST if request.method == "POST" else request.GET
    if not request.htmx:
        trim = portal.trim_for_caller(caller=caller, code=code)  # 404 before anything else
        query = urlencode(
            [(key, value) for key in BUILD_PARAMETERS for value in submitted.getlist(key)], doseq=True
        )
        url = reverse("catalog:configure", args=[trim.code])
        return HttpResponseRedirect(f"{url}?{query}" if query else url, status=303)
    configurator = portal.configurator_for_caller(caller=caller, code=code, on_date=today)
    form = ConfigurationForm(submitted)
    # 200 even for a refused build: htmx swaps only successful responses, and the rules are the answer.
    response = render(
        request, "catalog/_configurator_response.html", _configurator_context(configurator, form, today)
    )
    response["Cache-Control"] = "no-store"  # a fragment, never to be shown as a page by Back
    return response


BUILD_PARAMETERS = ("color", "options", "last_color", "last_options")


def _configurator_context(configurator: portal.Configurator, form, on_date: dt.date) -> dict:
    outcome = _evaluate(trim=configurator.trim, data=configurator.data, form=form, on_date=on_date)
    return {
        "configurator": configurator,
        **_result_context(
            configurator_trim=configurator.trim,
            data=configurator.data,
            form=form,
            outcome=outcome,
            suggested_color=_first_free_color(configurator)
            or next((choice.color.code for choice in configurator.colors), ""),
        ),
    }


def _configurator_page(
    request: HttpRequest, configurator: portal.Configurator, form, *, on_date: dt.date
) -> HttpResponse:
    return render(request, "catalog/configure.html", _configurator_context(configurator, form, on_date))


@require_GET
@catalog_page
def quote(request: HttpRequest, caller: Caller, code: str) -> HttpResponse:
    """A printable landed-cost quote for `?color=&options=`; the broken rules when it is not valid.

    Like the configurator, a build that cannot be quoted is answered with a page that says why.
    The issue time and the pricing date come from one reading of the clock, so a quote printed at
    midnight in Japan is never issued on one day and priced on the other.
    """
    now = clock.now()
    today = clock.to_jst(now).date()
    trim = portal.trim_for_caller(caller=caller, code=code)
    data = trim_configuration_data(trim_id=trim.pk)
    form = ConfigurationForm(request.GET)
    outcome = _evaluate(trim=trim, data=data, form=form, on_date=today)
    context = {
        **_result_context(configurator_trim=trim, data=data, form=form, outcome=outcome),
        "data": data,
        "now": now,
        "caller": caller,
    }
    return render(request, "catalog/quote.html", context)
