"""Answers in the API's envelope for URLs no route matches, and for crashes under /api/."""

import sys

import redis.exceptions
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.csrf import csrf_exempt

from core.api.exception_handler import error_body
from core.cache import SharedCacheUnavailable

# How long a client is asked to wait when a dependency is down (the Retry-After of a 503).
RETRY_AFTER_SECONDS = 5

# PostgreSQL (Django wraps psycopg's errors, the pool's PoolTimeout included, into these two) and
# Redis (our cache backend's own error; redis-py's, wherever a client is used directly).
_OUTAGES = (
    OperationalError,
    InterfaceError,
    SharedCacheUnavailable,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


@csrf_exempt  # it changes nothing; a CSRF page here would hide the 404
def api_not_found(request, *args, **kwargs):
    """Any unmatched path under /api/: the same 404 body as a missing object."""
    return JsonResponse(error_body("not_found", _("Not found.")), status=404)


def not_found(request, exception=None):
    """handler404: JSON under /api/, the portal's page elsewhere."""
    if _is_api(request):
        return api_not_found(request)
    return render(request, "404.html", status=404)


_TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def bad_request(request, exception=None):
    """handler400 (Django's SuspiciousOperation family): the envelope under /api/, a page elsewhere.

    A body over the size limit is 413, not 400. A bad Host header lands here too: the answer is
    built from the path only, never from the host.
    """
    too_large = isinstance(exception, _TOO_LARGE)
    status = 413 if too_large else 400
    if _is_api(request):
        if too_large:
            body = error_body("too_large", _("The request body is larger than this service accepts."))
        else:
            body = error_body("bad_request", _("The request could not be understood."))
        return JsonResponse(body, status=status)
    return render(request, "400.html", {"too_large": too_large}, status=status)


def dependency_outage(exc: BaseException | None) -> bool:
    """Whether `exc` says a service we depend on (PostgreSQL, Redis) is unreachable or failing.

    Such a failure is not a bug of ours: it answers 503 with Retry-After, not 500. An exception
    raised explicitly `from` such an error (`raise X from exc`) counts too.
    """
    seen = 0
    while exc is not None and seen < 10:  # a cause chain is short; never loop on a cycle
        if isinstance(exc, _OUTAGES):
            return True
        exc, seen = exc.__cause__, seen + 1
    return False


def service_unavailable(request) -> HttpResponse:
    """503 with Retry-After: the envelope under /api/, a page elsewhere.

    The page is rendered without the request's context processors: they may reach the very
    database or cache that is down.
    """
    if _is_api(request):
        message = _("The service is temporarily unavailable. Try again in a few seconds.")
        response = JsonResponse(error_body("unavailable", message), status=503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def nul_refused(request):
    """A NUL character in the address or a portal form (core.middleware.RefuseNulMiddleware): 400."""
    if _is_api(request):
        body = error_body("bad_request", _("The request contains a NUL character, which is never valid."))
        return JsonResponse(body, status=400)
    return render(request, "400.html", status=400)


def server_error(request):
    """handler500: JSON under /api/ (the error is logged by Django), a plain page elsewhere.

    Django calls it while handling the exception, so `sys.exc_info()` names it: a dependency
    outage answers 503 instead (still logged by Django, as "Service Unavailable").
    """
    if dependency_outage(sys.exc_info()[1]):
        return service_unavailable(request)
    if _is_api(request):
        return JsonResponse(error_body("server_error", _("Something went wrong on our side.")), status=500)
    return render(request, "500.html", status=500)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the envelope under /api/, Django's page elsewhere."""
    if _is_api(request):
        message = _("CSRF check failed: %(reason)s") % {"reason": reason}
        return JsonResponse(error_body("permission_denied", message), status=403)
    return django_csrf_failure(request, reason=reason)
