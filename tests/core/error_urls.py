"""A URLconf of views that raise each kind of error, for the exception handler's tests."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import path
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core import errors


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


urlpatterns = [
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
