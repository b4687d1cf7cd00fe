"""The site's URLconf plus portal views that raise each application error, for core.portal's tests."""

from django.http import HttpResponse
from django.urls import path

from config.urls import handler404, handler500
from config.urls import urlpatterns as site_urlpatterns
from core import errors
from core.portal import portal_page

RAISED = {
    "not-found": lambda: errors.NotFound("Order TKY-0042 belongs to another dealer."),
    "permission-denied": lambda: errors.PermissionDenied(),
    "validation-failed": lambda: errors.ValidationFailed(
        "Bad VIN.", code="vin_invalid", fields={"vin": ["Bad check digit <b>9</b>."]}
    ),
    "conflict": lambda: errors.Conflict("Order is already confirmed.", code="order_confirmed"),
    "unprocessable": lambda: errors.Unprocessable(),
    "not-authenticated": lambda: errors.NotAuthenticated(),
    "plain": lambda: errors.ApplicationError("Something about the input."),
}


@portal_page
def raising(request, kind: str):
    if kind == "fine":
        return HttpResponse("fine")
    raise RAISED[kind]()


urlpatterns = [*site_urlpatterns, path("portal-errors/<str:kind>/", raising)]

__all__ = ["handler404", "handler500", "urlpatterns"]
