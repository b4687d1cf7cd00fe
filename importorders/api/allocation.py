"""Allocation over REST: allocations/, a month's ledger, the dealer's answers, publication and overrides.

    GET  allocations/                               the caller's own (a dealer), or all (back office)
    GET  allocations/{model}/{month}/ledger/        the month's ledger: a dealer its own lines only
    POST allocations/{model}/{month}/accept/        {units?}          the dealer
    POST allocations/{model}/{month}/decline/       {units?, reason?} the dealer
    POST allocations/{model}/{month}/request/       {units, reason}   the dealer
    POST allocations/{model}/{month}/publish/       {deadline}        operations
    POST allocations/{model}/{month}/override/      {changes: [{dealer, units}], reason} operations

The write order of docs/architecture.md: the month resolved through the scoped selector (404: a
dealer sees only published months it has a share of; a partner nothing), the role (403), the body
(400), the service inside `write_in_scope`, the answer from what it returned.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.pagination import CursorPagination
from core.api.schema import ErrorSerializer
from core.callers import Caller, get_caller
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.scoping import scoped, selector, write_in_scope
from importorders.api.serializers import ActorShownSerializer
from importorders.models import Allocation, AllocationEntry, Dealer, Supply
from importorders.selectors.orders import order_event_actor
from importorders.services import allocation as services

CODE_SCHEMA = {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,40}$"}
MONTH_SCHEMA = {"type": "string", "pattern": "^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"}
MODEL = OpenApiParameter(
    "model", CODE_SCHEMA, OpenApiParameter.PATH, description="The vehicle model's code (CAMRY)."
)
MONTH = OpenApiParameter("month", MONTH_SCHEMA, OpenApiParameter.PATH, description="The month, YYYY-MM.")
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


# --- reads -------------------------------------------------------------------------------------


@selector
def allocation_list(*, caller: Caller, model: str | None = None, month: dt.date | None = None):
    """The allocations the caller may see, newest month first, with their supply, model and dealer."""
    queryset = scoped(Allocation, caller).select_related("supply__vehicle_model", "dealer")
    if model:
        queryset = queryset.filter(supply__vehicle_model__code=model)
    if month:
        queryset = queryset.filter(supply__month=month)
    return queryset


def _parse_month(text: str) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(f"{text}-01")
    except (TypeError, ValueError):
        return None
    return day if len(text) == 7 else None


def month_get(*, caller: Caller, model: str, month: str) -> tuple[Supply, Allocation | None]:
    """The month's supply and, for a dealer, its own allocation of it; NotFound otherwise.

    The back office finds any month with supply; a dealer only a published month it has a share of
    (the same 404 as a month that does not exist); a partner nothing.
    """
    day = _parse_month(month)
    if day is None or len(model) > 40:
        raise NotFound()
    if caller.is_dealer:
        allocation = (
            scoped(Allocation, caller)
            .select_related("supply__vehicle_model", "dealer")
            .filter(supply__vehicle_model__code=model, supply__month=day)
            .first()
        )
        if allocation is None:
            raise NotFound()
        return allocation.supply, allocation
    supply = (
        scoped(Supply, caller)
        .select_related("vehicle_model")
        .filter(vehicle_model__code=model, month=day)
        .first()
    )
    if supply is None:
        raise NotFound()
    return supply, None


# --- serializers -----------------------------------------------------------------------------


class AllocationSerializer(serializers.ModelSerializer):
    """One dealer's units of one model in one month."""

    model = serializers.CharField(source="supply.vehicle_model.code")
    month = serializers.SerializerMethodField()
    dealer = serializers.CharField(source="dealer.code")
    status = serializers.CharField(source="supply.status", help_text="draft, proposed or published.")
    deadline = serializers.DateField(
        source="supply.deadline", allow_null=True, help_text="Answer by (Japan)."
    )
    override = serializers.IntegerField(source="overridden", allow_null=True)
    remaining = serializers.IntegerField(help_text="quota - used")

    class Meta:
        model = Allocation
        fields = [
            "model",
            "month",
            "dealer",
            "status",
            "deadline",
            "proposed",
            "override",
            "quota",
            "used",
            "remaining",
            "accepted",
            "declined",
            "requested",
        ]
        read_only_fields = fields

    def get_month(self, allocation: Allocation) -> str:
        return allocation.supply.month.strftime("%Y-%m")


class LedgerEntrySerializer(serializers.ModelSerializer):
    """One line of a ledger: what changed, by how much, on what inputs, by whom and why."""

    dealer = serializers.CharField(source="allocation.dealer.code")
    formula_version = serializers.IntegerField(source="formula.version", allow_null=True, default=None)
    order = serializers.CharField(source="order.reference", allow_null=True, default=None)
    actor = serializers.SerializerMethodField()
    at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = AllocationEntry
        fields = [
            "id",
            "dealer",
            "kind",
            "units",
            "quota_after",
            "used_after",
            "inputs",
            "formula_version",
            "order",
            "reason",
            "actor",
            "at",
        ]
        read_only_fields = fields

    @extend_schema_field(ActorShownSerializer)
    def get_actor(self, entry: AllocationEntry) -> dict[str, str]:
        return order_event_actor(entry, self.context["caller"])


class SupplySerializer(serializers.Serializer):
    """A month of one model as the back office sees it: the supply, every dealer's share, the totals."""

    model = serializers.CharField(source="vehicle_model.code")
    month = serializers.CharField()
    status = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)
    supply = serializers.IntegerField(help_text="The month's units (every plant).")
    allocated = serializers.IntegerField(help_text="The quotas' sum.")
    pool = serializers.IntegerField(help_text="Declined units not yet given to a dealer who asked.")
    allocations = AllocationSerializer(many=True)


class UnitsSerializer(serializers.Serializer):
    units = serializers.IntegerField(min_value=0, max_value=100_000, required=False)


class DeclineSerializer(UnitsSerializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class RequestSerializer(serializers.Serializer):
    units = serializers.IntegerField(min_value=1, max_value=100_000)
    reason = serializers.CharField(max_length=500)


class PublishSerializer(serializers.Serializer):
    deadline = serializers.DateField(help_text="The last day (Japan) dealers accept or decline.")


class OverrideLineSerializer(serializers.Serializer):
    dealer = serializers.CharField(max_length=20)
    units = serializers.IntegerField(min_value=0, max_value=100_000)


class OverrideSerializer(serializers.Serializer):
    changes = OverrideLineSerializer(many=True, allow_empty=False, max_length=500)
    reason = serializers.CharField(max_length=500)


# --- views -----------------------------------------------------------------------------------


class AllocationPageSerializer(serializers.Serializer):
    """A cursor page of allocations."""

    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = AllocationSerializer(many=True)


class LedgerPageSerializer(serializers.Serializer):
    """A cursor page of a month's ledger lines."""

    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = LedgerEntrySerializer(many=True)


class AllocationPagination(CursorPagination):
    ordering = ("-id",)


class AllocationListView(APIView):
    @extend_schema(
        summary="Allocations: a dealer its own of published months, the back office every one",
        parameters=[
            OpenApiParameter("model", CODE_SCHEMA, description="A model's code."),
            OpenApiParameter("month", MONTH_SCHEMA, description="A month, YYYY-MM."),
        ],
        responses={200: AllocationPageSerializer, 400: ErrorSerializer},
        tags=["allocation"],
    )
    def get(self, request):
        caller = get_caller(request)
        month = request.query_params.get("month")
        day = _parse_month(month) if month else None
        if month and day is None:
            raise ValidationFailed(fields={"month": [_("Give a month as YYYY-MM.")]})
        model = (request.query_params.get("model") or "")[:40] or None
        queryset = allocation_list(caller=caller, model=model, month=day)
        paginator = AllocationPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(AllocationSerializer(page, many=True).data)


class LedgerView(APIView):
    @extend_schema(
        summary="A month's ledger: a dealer its own lines, the back office every dealer's",
        parameters=[MODEL, MONTH, OpenApiParameter("dealer", str, description="Back office: one dealer.")],
        responses={200: LedgerPageSerializer, 404: ErrorSerializer},
        tags=["allocation"],
    )
    def get(self, request, model: str, month: str):
        caller = get_caller(request)
        supply, allocation = month_get(caller=caller, model=model, month=month)
        entries = (
            scoped(AllocationEntry, caller)
            .filter(allocation__supply=supply)
            .select_related("allocation__dealer", "formula", "order")
            .annotate(actor_dealer_id=F("actor_user__dealer_membership__dealer_id"))
        )
        dealer = request.query_params.get("dealer")
        if allocation is not None:
            if dealer and dealer != allocation.dealer.code:
                raise NotFound()
            entries = entries.filter(allocation=allocation)
        elif dealer:
            entries = entries.filter(allocation__dealer__code=dealer[:20])
        paginator = LedgerPagination()
        page = paginator.paginate_queryset(entries, request, view=self)
        return paginator.get_paginated_response(
            LedgerEntrySerializer(page, many=True, context={"caller": caller}).data
        )


class LedgerPagination(CursorPagination):
    ordering = ("id",)


def _supply_answer(supply: Supply) -> dict:
    allocations = list(
        Allocation.objects.filter(supply=supply)
        .select_related("supply__vehicle_model", "dealer")
        .order_by("dealer__code")
    )
    total = services.supply_total(supply)
    return SupplySerializer(
        {
            "vehicle_model": supply.vehicle_model,
            "month": supply.month.strftime("%Y-%m"),
            "status": supply.status,
            "deadline": supply.deadline,
            "supply": total,
            "allocated": sum(a.quota for a in allocations),
            "pool": supply.pool,
            "allocations": allocations,
        }
    ).data


class _MonthWrite(APIView):
    """A write on one month: resolve (404), role (403), body (400), service, answer."""

    by = "dealer"  # or "operations"
    body: type[serializers.Serializer] = UnitsSerializer

    def allowed(self, caller: Caller) -> bool:
        return caller.is_dealer if self.by == "dealer" else caller.is_operations

    def post(self, request, model: str, month: str):
        caller = get_caller(request)
        supply, allocation = month_get(caller=caller, model=model, month=month)
        if not self.allowed(caller):
            raise PermissionDenied()
        serializer = self.body(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self.write(caller, supply, allocation, serializer.validated_data)

    def write(self, caller, supply, allocation, values) -> Response:  # pragma: no cover - abstract
        raise NotImplementedError


def _dealer_answer(allocation: Allocation, supply: Supply) -> Response:
    allocation.supply = supply
    return Response(AllocationSerializer(allocation).data)


@extend_schema(
    summary="Accept units of a published month (all by default); the rest is declined",
    description="Before the deadline (409 `deadline_passed`); 400 for more than the quota or fewer than "
    "the units already used.",
    parameters=[MODEL, MONTH],
    request=UnitsSerializer,
    responses={200: AllocationSerializer, **ERRORS},
    tags=["allocation"],
)
class AcceptView(_MonthWrite):
    def write(self, caller, supply, allocation, values):
        done = services.allocation_accept(
            allocation=allocation, actor=caller.actor, units=values.get("units")
        )
        return _dealer_answer(done, supply)


@extend_schema(
    summary="Decline units of a published month (every unused unit by default)",
    description="Before the deadline; declined units go to those who asked for more, by the formula.",
    parameters=[MODEL, MONTH],
    request=DeclineSerializer,
    responses={200: AllocationSerializer, **ERRORS},
    tags=["allocation"],
)
class DeclineView(_MonthWrite):
    body = DeclineSerializer

    def write(self, caller, supply, allocation, values):
        done = services.allocation_decline(
            allocation=allocation,
            actor=caller.actor,
            units=values.get("units"),
            reason=values.get("reason", ""),
        )
        return _dealer_answer(done, supply)


@extend_schema(
    summary="Ask for more units of a published month, with a reason",
    parameters=[MODEL, MONTH],
    request=RequestSerializer,
    responses={200: AllocationSerializer, **ERRORS},
    tags=["allocation"],
)
class RequestMoreView(_MonthWrite):
    body = RequestSerializer

    def write(self, caller, supply, allocation, values):
        done = write_in_scope(
            caller,
            lambda: services.allocation_request(
                allocation=allocation, actor=caller.actor, units=values["units"], reason=values["reason"]
            ),
        )
        return _dealer_answer(done, supply)


@extend_schema(
    summary="Publish a proposed month to its dealers (operations)",
    description="400 `not_adding_up` when the quotas do not add up to the supply; 409 `not_proposed`.",
    parameters=[MODEL, MONTH],
    request=PublishSerializer,
    responses={200: SupplySerializer, **ERRORS},
    tags=["allocation"],
)
class PublishView(_MonthWrite):
    by = "operations"
    body = PublishSerializer

    def write(self, caller, supply, allocation, values):
        done = write_in_scope(
            caller,
            lambda: services.allocation_publish(
                supply=supply, actor=caller.actor, deadline=values["deadline"]
            ),
        )
        return Response(_supply_answer(done))


@extend_schema(
    summary="Override dealers' quotas with a reason (operations)",
    description="After publication the quotas must still add up to the supply (400 `not_adding_up`): "
    "move units between dealers in one call.",
    parameters=[MODEL, MONTH],
    request=OverrideSerializer,
    responses={200: SupplySerializer, **ERRORS},
    tags=["allocation"],
)
class OverrideView(_MonthWrite):
    by = "operations"
    body = OverrideSerializer

    def write(self, caller, supply, allocation, values):
        codes = [line["dealer"] for line in values["changes"]]
        dealers = {d.code: d for d in scoped(Dealer, caller).filter(code__in=codes)}
        unknown = sorted(set(codes) - set(dealers))
        if unknown:
            raise ValidationFailed(
                fields={"changes": [_("Unknown dealer: %(codes)s") % {"codes": ", ".join(unknown)}]}
            )
        changes = {dealers[line["dealer"]]: line["units"] for line in values["changes"]}
        services.allocation_override(
            supply=supply, actor=caller.actor, changes=changes, reason=values["reason"]
        )
        return Response(_supply_answer(Supply.objects.select_related("vehicle_model").get(pk=supply.pk)))
