"""Application errors on portal pages: one mapping, in core, for the pages of every app.

Services raise `core.errors.ApplicationError` subclasses; the API's exception handler turns them
into the JSON envelope, and `portal_page` (a view decorator) turns them into pages:

- `NotFound`: the site's one 404 page (it raises `Http404`), exactly what a URL that does not
  exist answers, so "not yours" reads like "does not exist";
- `PermissionDenied`: 403; `ValidationFailed`: 400; `Conflict`: 409; `Unprocessable`: 422;
- `NotAuthenticated`: the login page, coming back here afterwards.

Each page extends the base template and reads in the caller's language (Japanese or English); it
shows the error's message and field messages, never a trace. An `ApplicationError` of another kind
answers with its own status when it is one of these, else 400: never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.errors import (
    ApplicationError,
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    Unprocessable,
    ValidationFailed,
)

ERROR_TEMPLATE = "core/error.html"

# The page of each kind of error: status and heading (the error's own message explains it).
PAGES: dict[type[ApplicationError], tuple[int, str]] = {
    ValidationFailed: (400, _("Please check your request")),
    PermissionDenied: (403, _("Your role may not do this")),
    Conflict: (409, _("Not possible in the current state")),
    Unprocessable: (422, _("This request cannot be processed")),
}
_BY_STATUS = {status: heading for status, heading in PAGES.values()}


def _status_of(error: ApplicationError) -> int:
    for kind, (status, _heading) in PAGES.items():
        if isinstance(error, kind):
            return status
    # Another kind of application error: its own status if that has a page, else 400.
    return error.status_code if error.status_code in _BY_STATUS else 400


def error_response(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    """The page for an application error (raises Http404 for NotFound: the site's one 404 page)."""
    if isinstance(error, NotFound):
        raise Http404 from error
    if isinstance(error, NotAuthenticated):
        return redirect_to_login(request.get_full_path())
    status = _status_of(error)
    context = {
        "status": status,
        "heading": _BY_STATUS[status],
        "code": error.code,
        "message": error.message,
        "fields": error.fields,
    }
    return render(request, ERROR_TEMPLATE, context, status=status)


def portal_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a portal view so that the application errors it raises answer with their pages."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ApplicationError as error:
            return error_response(request, error)

    return wrapper
