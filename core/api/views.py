"""API building blocks and the endpoints owned by core."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.serializers import MeSerializer
from core.callers import Caller, get_caller
from core.scoping import get_scoped_or_404, require_scoped, scoped


class ScopedAPIMixin(GenericAPIView):
    """Every queryset a view touches goes through the model's restrict(caller).

    Set `queryset` (the unscoped base, with its select_related) and `lookup_field`, or override
    get_queryset to return a scoped selector's queryset. A queryset that reaches pagination
    (`core.api.pagination.CursorPagination`) or an object lookup without having been scoped is
    refused at run time (`UnscopedQuerySet`, a bug).
    A missing object and another tenant's object both raise the same NotFound.
    """

    @property
    def caller(self) -> Caller:
        return get_caller(self.request)

    def get_queryset(self):
        return scoped(super().get_queryset(), self.caller)

    def get_object(self):
        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
        obj = get_scoped_or_404(
            require_scoped(self.filter_queryset(self.get_queryset()), type(self).__name__),
            self.caller,
            **{self.lookup_field: self.kwargs[lookup_url_kwarg]},
        )
        self.check_object_permissions(self.request, obj)
        return obj


class MeView(APIView):
    """Who the caller is: a user or a key, its dealer or partner, its roles and language."""

    @extend_schema(responses={200: MeSerializer}, operation_id="me_retrieve", tags=["identity"])
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(get_caller(request).summary()).data)
