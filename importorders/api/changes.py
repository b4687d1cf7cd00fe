"""Change requests under an order: orders/{reference}/change-requests/ and their decisions.

The write order of docs/architecture.md: the order loaded through the scoped selector (404; another
dealer's order is not found), the request loaded under it (404), the role (403), the body (400),
the service inside `write_in_scope` (it locks the order, then the request), the answer built from
what it returned.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from catalog.api.serializers import CodeNameSerializer, QuoteLineSerializer
from core.api.pagination import CursorPagination
from core.api.schema import ErrorSerializer
from core.api.views import ScopedAPIMixin
from core.errors import PermissionDenied
from core.scoping import write_in_scope
from importorders.api.serializers import ActorShownSerializer, ReasonSerializer
from importorders.api.views import REFERENCE
from importorders.models import ChangeRequest, Order
from importorders.selectors.changes import change_request_actor, change_request_get, change_request_list
from importorders.selectors.orders import order_get
from importorders.services import changes as services

CHANGE_REQUEST_ID = OpenApiParameter(
    "id", int, OpenApiParameter.PATH, description="The change request's id (under its order's reference)."
)
DECISION_ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


class ChangeRequestSerializer(serializers.ModelSerializer):
    """A change request: the build before and asked for, both prices, who asked and who decided."""

    order = serializers.CharField(source="order.reference", help_text="The order's reference.")
    color_before = CodeNameSerializer()
    color_after = CodeNameSerializer(help_text="The colour asked for (the same as before if unchanged).")
    options_before = serializers.ListField(source="option_codes_before", child=serializers.CharField())
    options_after = serializers.ListField(
        source="option_codes_after",
        child=serializers.CharField(),
        help_text="The options and packages chosen in the build asked for.",
    )
    price_before_total_jpy = serializers.IntegerField(
        allow_null=True, help_text="The order's total when the change was asked (approved: when decided)."
    )
    price_after_total_jpy = serializers.IntegerField(
        help_text="The new build's total, priced on `priced_on` (when asked; again when approved)."
    )
    price_difference_jpy = serializers.IntegerField(allow_null=True)
    price_before_lines = QuoteLineSerializer(many=True)
    price_after_lines = QuoteLineSerializer(many=True)
    requested_by = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "order",
            "status",
            "color_before",
            "color_after",
            "options_before",
            "options_after",
            "reason",
            "price_before_total_jpy",
            "price_after_total_jpy",
            "price_difference_jpy",
            "priced_on",
            "price_before_lines",
            "price_after_lines",
            "requested_by",
            "created_at",
            "decided_by",
            "decided_at",
            "decision_reason",
        ]
        read_only_fields = fields

    @extend_schema_field(ActorShownSerializer)
    def get_requested_by(self, request: ChangeRequest) -> dict[str, str] | None:
        return change_request_actor(request, "requested_by", self.context["caller"])

    @extend_schema_field(ActorShownSerializer(allow_null=True))
    def get_decided_by(self, request: ChangeRequest) -> dict[str, str] | None:
        return change_request_actor(request, "decided_by", self.context["caller"])


class ChangeRequestWriteSerializer(serializers.Serializer):
    """What a dealer asks for: a colour and/or the whole set of options, with a reason."""

    color = serializers.CharField(
        max_length=40, required=False, help_text="The colour asked for; leave out to keep the order's."
    )
    options = serializers.ListField(
        child=serializers.CharField(max_length=40),
        max_length=100,
        required=False,
        help_text="Every option and package of the new build (not only those that change); leave out "
        "to keep the order's. Only port-installed options may be added or removed.",
    )
    trim = serializers.CharField(
        max_length=40,
        required=False,
        help_text="The trim is locked after confirmation: if sent, it must be the order's own.",
    )
    reason = serializers.CharField(
        max_length=2000, help_text="Why the change is asked for (operations read it)."
    )

    def validate_trim(self, code: str) -> str:
        order: Order = self.context["order"]
        if code.strip() != order.trim.code:
            raise serializers.ValidationError(
                _("The trim is locked once the order is confirmed: only the colour and port options change.")
            )
        return code


class ChangeRequestPagination(CursorPagination):
    ordering = ("-created_at", "-id")


def _decision_schema(summary: str, description: str, request=None):
    return extend_schema(
        summary=summary,
        description=description,
        parameters=[REFERENCE, CHANGE_REQUEST_ID],
        request=request,
        responses={200: ChangeRequestSerializer, **DECISION_ERRORS},
    )


@extend_schema_view(
    list=extend_schema(
        summary="An order's change requests, newest first (its dealer and the back office)",
        parameters=[REFERENCE],
        filters=False,
    ),
    create=extend_schema(
        summary="Ask for another colour or port-installed options on a confirmed order (its dealer)",
        description="Until the change cut-off. 400 names every factory option added or removed "
        "(`factory_option`) and every broken rule (`configuration_invalid`); 409 `past_cutoff` (the "
        "`cutoff` in `error.details`), `not_changeable` (not confirmed or scheduled) or "
        "`change_request_pending` (one request at a time); 422 when the new build cannot be priced today.",
        parameters=[REFERENCE],
        request=ChangeRequestWriteSerializer,
        responses={201: ChangeRequestSerializer, **DECISION_ERRORS, 422: ErrorSerializer},
    ),
    retrieve=extend_schema(
        summary="One change request of the order", parameters=[REFERENCE, CHANGE_REQUEST_ID]
    ),
    approve=_decision_schema(
        "Approve a pending change request (operations): the order takes the new build and price",
        "Checked again at decision time: 409 `past_cutoff` (with the `cutoff`) or `not_changeable`; 400 "
        "when the build no longer passes the catalog's rules. 409 `change_request_decided` once refused "
        "or withdrawn; approving again answers the request unchanged.",
    ),
    refuse=_decision_schema(
        "Refuse a pending change request (operations), with the reason the dealer reads",
        "400 without a reason; 409 `change_request_decided` once approved or withdrawn.",
        request=ReasonSerializer,
    ),
    withdraw=_decision_schema(
        "Withdraw your pending change request (the order's dealer)",
        "409 `change_request_decided` once approved or refused.",
    ),
)
class ChangeRequestViewSet(ScopedAPIMixin, viewsets.GenericViewSet):
    """Change requests addressed under their order's reference; another dealer's order is 404."""

    queryset = ChangeRequest.objects.all()
    serializer_class = ChangeRequestSerializer
    pagination_class = ChangeRequestPagination
    lookup_field = "pk"
    lookup_url_kwarg = "id"
    lookup_value_regex = "[0-9]{1,18}"
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self):
        return ChangeRequestWriteSerializer if self.action == "create" else ChangeRequestSerializer

    def _order(self) -> Order:
        return order_get(caller=self.caller, reference=self.kwargs["reference"])

    def _answer(self, request: ChangeRequest, status: int = 200) -> Response:
        return Response(ChangeRequestSerializer(request, context={"caller": self.caller}).data, status=status)

    def list(self, request, *args, **kwargs):
        order = self._order()
        page = self.paginate_queryset(change_request_list(caller=self.caller, order=order))
        for change_request in page:
            change_request.order = order  # every row is this order's: not read once per row
        data = ChangeRequestSerializer(page, many=True, context={"caller": self.caller}).data
        return self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        order = self._order()
        return self._answer(change_request_get(caller=self.caller, order=order, pk=kwargs["id"]))

    def create(self, request, *args, **kwargs):
        caller = self.caller
        order = self._order()
        if not caller.is_dealer:
            raise PermissionDenied(_("Change requests are made by the order's dealer."))
        serializer = ChangeRequestWriteSerializer(data=request.data, context={"order": order})
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        created = write_in_scope(
            caller,
            lambda: services.change_request_create(
                order=order,
                actor=caller.actor,
                color_code=values.get("color"),
                option_codes=tuple(values["options"]) if "options" in values else None,
                reason=values["reason"],
            ),
        )
        # The requester is the caller: its dealer is the one the selector's read would annotate.
        created.requested_by_dealer_id = caller.dealer_id if caller.kind == "user" else None
        created.decided_by_dealer_id = getattr(created, "decided_by_dealer_id", None)
        return self._answer(created, status=201)

    def _decide(self, allowed: bool, service, body: type[serializers.Serializer] | None = None) -> Response:
        caller = self.caller
        order = self._order()
        change_request = change_request_get(caller=caller, order=order, pk=self.kwargs["id"])
        if not allowed:
            raise PermissionDenied()
        values = {}
        if body is not None:
            serializer = body(data=self.request.data)
            serializer.is_valid(raise_exception=True)
            values = serializer.validated_data
        decided = write_in_scope(
            caller, lambda: service(change_request=change_request, actor=caller.actor, **values)
        )
        # The actors' dealers are annotations of the selector's read: keep the requester's.
        decided.requested_by_dealer_id = change_request.requested_by_dealer_id
        decided.decided_by_dealer_id = caller.dealer_id if caller.kind == "user" else None
        return self._answer(decided)

    @action(detail=True, methods=["post"])
    def approve(self, request, reference=None, id=None):
        return self._decide(self.caller.is_operations, services.change_request_approve)

    @action(detail=True, methods=["post"])
    def refuse(self, request, reference=None, id=None):
        return self._decide(self.caller.is_operations, services.change_request_refuse, ReasonSerializer)

    @action(detail=True, methods=["post"])
    def withdraw(self, request, reference=None, id=None):
        return self._decide(self.caller.is_dealer, services.change_request_withdraw)
