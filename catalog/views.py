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
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from catalog.errors import ConfigurationInvalid
from catalog.forms import CompareForm, ConfigurationForm
from catalog.models.scoping import sees_catalog
from catalog.selectors import portal
from catalog.selectors.configuration import ConfigurationData, OptionFacts, trim_configuration_data
from catalog.selectors.fx import fx_freshness
from catalog.services.configuration import ConfigurationError
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
    """What checking a build gave: a quote, the broken rules, or why it could not be priced."""

    quote: Quote | None = None
    errors: tuple[ConfigurationError, ...] = ()
    failure: ApplicationError | None = None
    input_errors: tuple[str, ...] = ()


def _evaluate(*, trim, data: ConfigurationData, form: ConfigurationForm, on_date: dt.date) -> Outcome:
    """Check the build with the engine, and price it on `on_date` (the request's today) when valid."""
    if not form.is_valid():
        return Outcome(input_errors=tuple(str(error) for errors in form.errors.values() for error in errors))
    color, options = form.cleaned_data["color"], form.cleaned_data["options"]
    try:
        # The engine data this request already loaded: the quote checks the build with it (no
        # queries) and prices it only when valid, without loading it a second time.
        quote = quote_build(trim=trim, color_code=color, option_codes=options, on_date=on_date, data=data)
    except ConfigurationInvalid as exc:
        return Outcome(errors=exc.errors)
    except ApplicationError as exc:
        return Outcome(failure=exc)
    return Outcome(quote=quote)


@dataclass(frozen=True)
class BrokenRule:
    """A broken rule with the options and colour it names, for the page."""

    error: ConfigurationError
    options: tuple[OptionFacts | str, ...]


def _broken_rules(data: ConfigurationData, errors: tuple[ConfigurationError, ...]) -> list[BrokenRule]:
    def named(code: str | None) -> list[OptionFacts | str]:
        if not code:
            return []
        return [data.options.get(code, code)]

    return [BrokenRule(error=error, options=(*named(error.option), *named(error.target))) for error in errors]


def _result_context(*, configurator_trim, data: ConfigurationData, form, outcome: Outcome) -> dict:
    selection = form.cleaned_data if form.is_valid() else {"color": "", "options": []}
    query = urlencode({"color": selection["color"], "options": selection["options"]}, doseq=True)
    return {
        "trim": configurator_trim,
        "outcome": outcome,
        "broken_rules": _broken_rules(data, outcome.errors),
        "quote_query": query,
        "selected_color": selection["color"],
        "selected_options": set(selection["options"]),
    }


@require_GET
@catalog_page
def configure(request: HttpRequest, caller: Caller, code: str) -> HttpResponse:
    """The configurator; `?color=&options=` preselects a build (the first colour by default)."""
    today = clock.today_jst()
    configurator = portal.configurator_for_caller(caller=caller, code=code, on_date=today)
    data = request.GET.copy()
    if not data.get("color") and configurator.colors:
        data["color"] = configurator.colors[0].color.code
    return _configurator_page(request, configurator, ConfigurationForm(data), on_date=today)


@require_POST
@catalog_page
def configure_check(request: HttpRequest, caller: Caller, code: str) -> HttpResponse:
    """htmx: the result partial for the posted build; without JavaScript: the whole page."""
    today = clock.today_jst()
    if not request.htmx:
        configurator = portal.configurator_for_caller(caller=caller, code=code, on_date=today)
        return _configurator_page(request, configurator, ConfigurationForm(request.POST), on_date=today)
    trim = portal.trim_for_caller(caller=caller, code=code)
    data = trim_configuration_data(trim_id=trim.pk)
    form = ConfigurationForm(request.POST)
    outcome = _evaluate(trim=trim, data=data, form=form, on_date=today)
    # 200 even for a refused build: htmx swaps only successful responses, and the rules are the answer.
    return render(
        request,
        "catalog/_configuration_result.html",
        _result_context(configurator_trim=trim, data=data, form=form, outcome=outcome),
    )


def _configurator_page(
    request: HttpRequest, configurator: portal.Configurator, form, *, on_date: dt.date
) -> HttpResponse:
    outcome = _evaluate(trim=configurator.trim, data=configurator.data, form=form, on_date=on_date)
    context = {
        "configurator": configurator,
        **_result_context(
            configurator_trim=configurator.trim, data=configurator.data, form=form, outcome=outcome
        ),
    }
    return render(request, "catalog/configure.html", context)


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
