"""A URLconf of views that raise each kind of error, for the exception handler's tests.

Paths under api/ and portal/ exercise the project's fallbacks (handler404, handler500 and
CSRF_FAILURE_VIEW decide between the envelope and a page by the /api/ prefix); this module uses the
project's own handlers, imported from config.urls.
"""

import redis.exceptions
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.utils import InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.urls import path
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import handler404, handler500  # noqa: F401  (the project's, used by Django)
from core import errors
from core.cache import SharedCacheUnavailable

# What a failing dependency raises, by kind: the database (through Django's wrapper) and Redis.
OUTAGES = {
    "database": lambda: OperationalError("couldn't get a connection after 2.00 sec"),
    "database-interface": lambda: InterfaceError("connection already closed"),
    "shared-cache": lambda: SharedCacheUnavailable("redis://127.0.0.1:6379/0 does not answer"),
    "redis-connection": lambda: redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379."),
    "redis-timeout": lambda: redis.exceptions.TimeoutError("Timeout reading from socket"),
}


class _Serializer(serializers.Serializer):
    vin = serializers.CharField(max_length=17)
    options = serializers.ListField(child=serializers.CharField(max_length=3))


def raising(exc_factory):
    class View(APIView):
        permission_classes = [AllowAny]

        def get(self, request):
            raise exc_factory()

        def post(self, request):
            _Serializer(data=request.data).is_valid(raise_exception=True)
            return Response({})

    return View.as_view()


def crashing_page(request):
    """A plain Django view (no DRF) that fails; CSRF is enforced on it, as on any portal page."""
    if request.method == "POST":
        return HttpResponse("posted")
    raise RuntimeError("bug in a page")


class DependencyDown(APIView):
    permission_classes = [AllowAny]

    def get(self, request, kind):
        raise OUTAGES[kind]()


def dependency_down_page(request, kind):
    raise OUTAGES[kind]()


urlpatterns = [
    path("api/down/<str:kind>/", DependencyDown.as_view()),
    path("portal/down/<str:kind>/", dependency_down_page),
    path("api/boom/", raising(lambda: RuntimeError("bug"))),
    path("api/plain/", crashing_page),
    path("portal/boom/", crashing_page),
    path("conflict/", raising(lambda: errors.Conflict("Order is already confirmed."))),
    path("not-found/", raising(lambda: errors.NotFound())),
    path(
        "app-validation/",
        raising(lambda: errors.ValidationFailed("Bad VIN.", fields={"vin": ["Bad check digit."]})),
    ),
    path(
        "django-validation/", raising(lambda: DjangoValidationError({"color": ["Not offered on this trim."]}))
    ),
    path("django-404/", raising(lambda: Http404("secret detail"))),
    path("django-403/", raising(lambda: DjangoPermissionDenied())),
    path("serializer/", raising(lambda: errors.Unprocessable())),
    path("boom/", raising(lambda: RuntimeError("bug"))),
]
