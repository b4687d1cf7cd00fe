"""Dealer and order endpoints: dealers/, dealers/{code}/, orders/, orders/{reference}/ and its moves."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse

from catalog.api.views import CODE_SCHEMA
from core import clock
from core.api.pagination import CursorPagination
from core.api.schema import ErrorSerializer
from core.api.views import ScopedAPIMixin
from core.errors import PermissionDenied
from core.scoping import write_in_scope
from importorders.api.filters import DealerFilter, OrderFilter
from importorders.api.representations import ORDER_ROW_VALUES, order_rows
from importorders.api.serializers import (
    MONTH_PATTERN,
    DealerDetailSerializer,
    DealerSerializer,
    DealerUpdateSerializer,
    OrderDetailSerializer,
    OrderEventSerializer,
    OrderRowSerializer,
    OrderWriteSerializer,
    ReasonSerializer,
    ScheduleSerializer,
)
from importorders.api.vehicles import (
    AssignVinSerializer,
    BuildListResultSerializer,
    BuildListUploadSerializer,
)
from importorders.models import Dealer, Order
from importorders.order_cache import order_response_cache, response_key
from importorders.pipeline import MOVES, may_make
from importorders.selectors.dealers import dealer_get, dealer_of_caller
from importorders.selectors.orders import order_event_list, order_get, order_list
from importorders.services import orders as order_services
from importorders.services import vehicles as vehicle_services
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


# Orders -------------------------------------------------------------------------------------------


class OrderPagination(CursorPagination):
    ordering = ("-created_at", "-id")


class OrderEventPagination(CursorPagination):
    ordering = ("at", "id")


REFERENCE = OpenApiParameter(
    "reference",
    {"type": "string", "pattern": "^[A-Za-z0-9-]+$", "maxLength": 20},
    OpenApiParameter.PATH,
    description="The order's reference, e.g. `K7M3-9QPX` (any case; the hyphen may be left out).",
)
NOT_A_DEALER = _("Orders are placed by a dealer's people or its integration key.")
MOVE_ERRORS = {409: ErrorSerializer, 422: ErrorSerializer}


def _move_schema(summary: str, description: str, request=None, **extra):
    return extend_schema(
        summary=summary,
        description=description,
        parameters=[REFERENCE],
        request=request,
        responses={200: OrderDetailSerializer, **MOVE_ERRORS},
        **extra,
    )


@extend_schema_view(
    list=extend_schema(
        summary="Orders the caller may see, newest first (back office: all; a dealer: its own)",
        parameters=[
            OpenApiParameter(
                "month",
                {"type": "string", "pattern": MONTH_PATTERN},
                OpenApiParameter.QUERY,
                description="Requested month, `YYYY-MM`.",
            ),
            OpenApiParameter("model", CODE_SCHEMA, OpenApiParameter.QUERY, description="Vehicle model code."),
            OpenApiParameter(
                "q",
                {"type": "string", "maxLength": 60, "pattern": "^[^\\u0000]*$"},
                OpenApiParameter.QUERY,
                description="An order reference (any case, hyphen optional) or the start of a customer "
                "reference (as typed).",
            ),
        ],
    ),
    create=extend_schema(
        summary="Place a draft order for your dealer (a dealer's people and integration keys)",
        description="The dealer is the caller's; a `dealer` in the body is ignored. 400 names each broken "
        "configuration rule in `error.details` (as `catalog/quote/` does).",
        request=OrderWriteSerializer,
        responses={201: OrderDetailSerializer},
    ),
    retrieve=extend_schema(
        summary="One order: its build, price lines, dates and the moves you may make now",
        parameters=[REFERENCE],
    ),
    partial_update=extend_schema(
        summary="Amend a draft or submitted order (its dealer's people and keys)",
        description="Send only what changes. The build is checked again; a submitted order is re-priced "
        "(a `repriced` event records the totals). 409 `not_amendable` once the order is confirmed.",
        parameters=[REFERENCE],
        request=OrderWriteSerializer,
        responses={200: OrderDetailSerializer, **MOVE_ERRORS},
    ),
    submit=_move_schema(
        "Submit a draft (its dealer): the build is checked again and priced today",
        "409 `move_not_allowed` unless the order is a draft; 422 when the data to price it is missing.",
    ),
    cancel=_move_schema(
        "Cancel an order until its change cut-off (its dealer), with the reason",
        "409 `move_not_allowed` once built, rejected or delivered; 409 `past_cutoff` after the cut-off, "
        "with the cut-off in `error.details`.",
        request=ReasonSerializer,
    ),
    confirm=_move_schema(
        "Confirm a submitted order (operations): the quota is reserved and today's FX rate locked",
        "409 `move_not_allowed` unless the order is submitted; 422 when the data to price it is missing.",
    ),
    reject=_move_schema(
        "Reject a submitted order (operations), with the reason the dealer reads",
        "409 `move_not_allowed` unless the order is submitted.",
        request=ReasonSerializer,
    ),
    schedule=_move_schema(
        "Schedule a confirmed order for a production week (operations)",
        "Any day of the week; it is stored as its Monday. 400 for a week that has passed; 409 "
        "`move_not_allowed` unless the order is confirmed.",
        request=ScheduleSerializer,
    ),
    assign_vin=_move_schema(
        "Assign the VIN the plant gave a scheduled order (operations): scheduled → built",
        "The VIN is normalised (NFKC, upper case) and checked against the order's plant and model year: "
        "WMI (positions 1-3), check digit (9), model year (10) and plant letter (11); 400 `invalid_vin` "
        "names each broken position in `error.details`. The same VIN again answers the order unchanged. "
        "409 `move_not_allowed` unless scheduled, `already_built` (another VIN), `vin_in_use` (another "
        "vehicle carries it), `plant_vin_unconfigured` (the plant has no VIN letter or WMI on record).",
        request=AssignVinSerializer,
    ),
    assign_vins=extend_schema(
        summary="Assign the VINs of the plant's build list, all or nothing (operations)",
        description="Multipart `file`: CSV with a header naming `reference`, `VIN` and `build date` "
        "(`YYYY-MM-DD`, empty for today). 400 `build_list_invalid` names every bad row: `fields` by "
        "line (`line 3`), `details` one object per problem with `line` and `code` (`unknown_order`, "
        "`wrong_status`, `invalid_vin` with `position`, `duplicate_vin`, `duplicate_order`, `vin_in_use`, "
        "`bad_build_date`, `plant_vin_unconfigured`); 400 `file_not_csv`, `build_list_header`, "
        "`too_many_rows` (over 5,000), `file_too_large` for the file as a whole.",
        request={"multipart/form-data": BuildListUploadSerializer},
        responses={200: BuildListResultSerializer},
    ),
    events=extend_schema(
        summary="The order's timeline, oldest first: every move, amendment and re-price with its actor",
        parameters=[REFERENCE],
        responses={200: OrderEventSerializer(many=True)},
        filters=False,
    ),
)
class OrderViewSet(ScopedAPIMixin, viewsets.GenericViewSet):
    """Dealer orders, addressed by their public reference. Another dealer's order is not found (404)."""

    # Every write follows docs/architecture.md: the order loaded through the scoped selector (404),
    # the role checked (403), the body validated into the services' typed value (400), the service
    # called inside `write_in_scope` (it locks the row), the answer built from what it returned.

    queryset = Order.objects.all()
    lookup_field = "reference"
    lookup_value_regex = "[A-Za-z0-9-]+"
    serializer_class = OrderRowSerializer
    filterset_class = OrderFilter
    pagination_class = OrderPagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.today = clock.today_jst()  # read once: a request at midnight sees one date

    def get_queryset(self):
        return order_list(caller=self.caller)

    def get_serializer_class(self):
        return {
            "create": OrderWriteSerializer,
            "partial_update": OrderWriteSerializer,
            "retrieve": OrderDetailSerializer,
            "events": OrderEventSerializer,
        }.get(self.action, OrderRowSerializer)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "caller": self.caller, "today": self.today}

    def _detail(self, order: Order) -> dict:
        return OrderDetailSerializer(order, context=self.get_serializer_context()).data

    def _list(self, request):
        # Lean rows (importorders.api.representations): the codes a row shows, not six model
        # instances per row; OrderRowSerializer documents the same shape.
        queryset = self.get_queryset()
        # Without any of its parameters the filterset filters nothing, but building and validating
        # its form costs more than building the page: it runs only when one is given.
        if any(name in request.query_params for name in OrderFilter.base_filters):
            queryset = self.filter_queryset(queryset)
        rows = queryset.values(*ORDER_ROW_VALUES)
        return self.get_paginated_response(order_rows(self.paginate_queryset(rows)))

    def list(self, request, *args, **kwargs):
        # Kept rendered under the caller's scope version (importorders.order_cache).
        return order_response_cache.respond(response_key(request, self.caller), lambda: self._list(request))

    def create(self, request, *args, **kwargs):
        caller = self.caller
        if not caller.is_dealer:
            raise PermissionDenied(NOT_A_DEALER)
        serializer = OrderWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        dealer = dealer_of_caller(caller=caller)
        order = write_in_scope(
            caller,
            lambda: order_services.order_create(
                dealer=dealer, actor=caller.actor, changes=serializer.changes()
            ),
        )
        location = reverse("api:order-detail", kwargs={"reference": order.reference}, request=request)
        return Response(self._detail(order), status=201, headers={"Location": location})

    def retrieve(self, request, *args, **kwargs):
        # Kept rendered like the list; a 404 is never kept (only 200s are).
        return order_response_cache.respond(
            response_key(request, self.caller, today=self.today, detail=True),
            lambda: Response(self._detail(order_get(caller=self.caller, reference=kwargs["reference"]))),
        )

    def partial_update(self, request, *args, **kwargs):
        caller = self.caller
        order = order_get(caller=caller, reference=kwargs["reference"])
        if not caller.is_dealer:
            raise PermissionDenied()
        serializer = OrderWriteSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        amended = write_in_scope(
            caller,
            lambda: order_services.order_amend(order=order, actor=caller.actor, changes=serializer.changes()),
        )
        return Response(self._detail(amended))

    def _make(
        self, name: str, service: Callable[..., Order], body: type[serializers.Serializer] | None = None
    ) -> Response:
        """One move of the pipeline, in the write order of every endpoint."""
        caller = self.caller
        order = order_get(caller=caller, reference=self.kwargs["reference"])
        if not may_make(caller, MOVES[name]):
            raise PermissionDenied()
        values = {}
        if body is not None:
            serializer = body(data=self.request.data)
            serializer.is_valid(raise_exception=True)
            values = serializer.validated_data
        moved = write_in_scope(caller, lambda: service(order=order, actor=caller.actor, **values))
        return Response(self._detail(moved))

    @action(detail=True, methods=["post"])
    def submit(self, request, reference=None):
        return self._make("submit", order_services.order_submit)

    @action(detail=True, methods=["post"])
    def cancel(self, request, reference=None):
        return self._make("cancel", order_services.order_cancel, ReasonSerializer)

    @action(detail=True, methods=["post"])
    def confirm(self, request, reference=None):
        return self._make("confirm", order_services.order_confirm)

    @action(detail=True, methods=["post"])
    def reject(self, request, reference=None):
        return self._make("reject", order_services.order_reject, ReasonSerializer)

    @action(detail=True, methods=["post"])
    def schedule(self, request, reference=None):
        return self._make("schedule", order_services.order_schedule, ScheduleSerializer)

    @action(detail=True, methods=["post"], url_path="assign-vin")
    def assign_vin(self, request, reference=None):
        return self._make("build", vehicle_services.order_assign_vin, AssignVinSerializer)

    @action(
        detail=False, methods=["post"], url_path="assign-vins", parser_classes=[MultiPartParser, FormParser]
    )
    def assign_vins(self, request):
        caller = self.caller
        if not caller.is_operations:
            raise PermissionDenied()
        serializer = BuildListUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        raw = serializer.validated_data["file"].read(vehicle_services.MAX_FILE_BYTES + 1)
        result = vehicle_services.orders_assign_vins(
            actor=caller.actor, rows=vehicle_services.build_list_read(raw)
        )
        return Response(BuildListResultSerializer(result).data)

    @action(detail=True, methods=["get"])
    def events(self, request, reference=None):
        caller = self.caller
        order = order_get(caller=caller, reference=reference)
        paginator = OrderEventPagination()
        page = paginator.paginate_queryset(order_event_list(caller=caller, order=order), request, view=self)
        return paginator.get_paginated_response(
            OrderEventSerializer(page, many=True, context=self.get_serializer_context()).data
        )
