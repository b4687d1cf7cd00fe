"""Dealer endpoints: GET dealers/, GET|PATCH dealers/{code}/."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.response import Response

from core.api.pagination import CursorPagination
from core.api.views import ScopedAPIMixin
from core.errors import PermissionDenied
from core.scoping import write_in_scope
from importorders.api.filters import DealerFilter
from importorders.api.serializers import DealerDetailSerializer, DealerSerializer, DealerUpdateSerializer
from importorders.models import Dealer
from importorders.selectors.dealers import dealer_get
from importorders.services.dealers import DealerChanges, dealer_update


class DealerPagination(CursorPagination):
    ordering = "code"


@extend_schema_view(
    list=extend_schema(
        summary="Dealers the caller may see (back office: all; dealer staff and keys: their own)"
    ),
    retrieve=extend_schema(summary="One dealer, with the people and keys the caller may see"),
    partial_update=extend_schema(
        summary="Change a dealer's details (operations)",
        request=DealerUpdateSerializer,
        responses={200: DealerDetailSerializer},
    ),
)
class DealerViewSet(
    ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Dealers, scoped to the caller. Role checks happen after the visibility check (404 before 403)."""

    queryset = Dealer.objects.all()
    lookup_field = "code"
    lookup_value_regex = "[A-Z0-9_-]+"
    serializer_class = DealerSerializer
    filterset_class = DealerFilter
    pagination_class = DealerPagination
    http_method_names = ["get", "patch", "head", "options"]

    def get_serializer_class(self):
        return DealerDetailSerializer if self.action == "retrieve" else DealerSerializer

    def retrieve(self, request, *args, **kwargs):
        return Response(DealerDetailSerializer(dealer_get(caller=self.caller, code=kwargs["code"])).data)

    def partial_update(self, request, *args, **kwargs):
        # The write order of docs/architecture.md: 404, 403, 400, locked write, response.
        caller = self.caller
        dealer = dealer_get(caller=caller, code=kwargs["code"])
        if not caller.is_operations:
            raise PermissionDenied()
        serializer = DealerUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        updated = write_in_scope(
            caller,
            lambda: dealer_update(
                dealer=dealer, actor=caller.actor, changes=DealerChanges(**serializer.validated_data)
            ),
        )
        # People and keys are not touched by this write: the response reuses what the first read loaded.
        updated.visible_memberships = dealer.visible_memberships
        updated.visible_keys = dealer.visible_keys
        return Response(DealerDetailSerializer(updated).data)
