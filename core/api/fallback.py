"""Answers in the API's envelope for URLs no route matches, and for crashes under /api/."""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.csrf import csrf_exempt

from core.api.exception_handler import error_body


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


def nul_refused(request):
    """A NUL character in the address or a portal form (core.middleware.RefuseNulMiddleware): 400."""
    if _is_api(request):
        body = error_body("bad_request", _("The request contains a NUL character, which is never valid."))
        return JsonResponse(body, status=400)
    return render(request, "400.html", status=400)


def server_error(request):
    """handler500: JSON under /api/ (the error is logged by Django), a plain page elsewhere."""
    if _is_api(request):
        return JsonResponse(error_body("server_error", _("Something went wrong on our side.")), status=500)
    return render(request, "500.html", status=500)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the envelope under /api/, Django's page elsewhere."""
    if _is_api(request):
        message = _("CSRF check failed: %(reason)s") % {"reason": reason}
        return JsonResponse(error_body("permission_denied", message), status=403)
    return django_csrf_failure(request, reason=reason)
