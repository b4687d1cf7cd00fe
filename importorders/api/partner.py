"""Partner endpoints: `POST partner/events/` (a batch into the inbox), `GET partner/shipments/`, and
the sandbox's scenarios (`GET partner/sandbox/scenarios/`, `POST partner/sandbox/scenarios/{name}/`).

A sandbox key (docs/decisions/0004) goes through the same endpoints and sees only sandbox rows: the
scoping of every partner queryset takes the caller's `sandbox`.

Only partner keys call them (everyone else: 403). A partner sees its own shipments only, and an
event about a VIN that is not on one of them is refused in the batch's answer with the same message
as an unknown VIN. docs/api.md ("Partner API") is the guide.
"""

from __future__ import annotations

import json

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from core.api.pagination import CursorPagination
from core.api.schema import ErrorSerializer
from core.api.views import ScopedAPIMixin
from core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from core.scoping import scoped
from importorders.models import LogisticsPartner, Shipment, ShipmentMilestone, ShipmentVehicle
from importorders.services.events import MAX_BATCH, events_receive
from importorders.services.events_idempotency import idempotent_call
from importorders.services.sandbox import BY_NAME, SCENARIOS, sandbox_scenario_reset, sandbox_scenarios
from importorders.vocabularies import VERSIONS


class BatchTooLarge(ApplicationError):
    """A batch of more events than one request may carry (413)."""

    status_code = 413
    default_code = "batch_too_large"


class EventBatchSerializer(serializers.Serializer):
    """A batch of shipment events in one vocabulary and version."""

    vocabulary = serializers.ChoiceField(
        choices=sorted(VERSIONS),
        help_text="`canonical` (our field names), `dcsa` (DCSA Track & Trace) or `rec24` "
        "(UN/CEFACT Rec. 24).",
    )
    version = serializers.ChoiceField(
        choices=sorted({version for versions in VERSIONS.values() for version in versions}),
        help_text="canonical: `1`; dcsa: `2.2`, `3.0-beta` or `3.0`; rec24: `1` (another pair is 400).",
    )
    events = serializers.ListField(
        child=serializers.JSONField(),
        allow_empty=False,
        min_length=1,
        max_length=MAX_BATCH,
        help_text=f"At most {MAX_BATCH:,} events, each in the vocabulary's shape (docs/api.md).",
    )

    def to_internal_value(self, data):
        # Counted before anything is validated: a batch that is too large is refused whole (413).
        if (
            isinstance(data, dict)
            and isinstance(data.get("events"), list)
            and len(data["events"]) > MAX_BATCH
        ):
            raise BatchTooLarge(
                _("A batch carries at most %(limit)s events; this one has %(count)s.")
                % {"limit": MAX_BATCH, "count": len(data["events"])}
            )
        return super().to_internal_value(data)

    def validate(self, attrs):
        if attrs["version"] not in VERSIONS[attrs["vocabulary"]]:
            raise serializers.ValidationError(
                {"version": [_("Not a version of this vocabulary.")]}, code="invalid"
            )
        return attrs


class EventErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The event's position in the batch, from 0.")
    event_id = serializers.CharField(allow_blank=True)
    code = serializers.ChoiceField(choices=["invalid", "unmapped_code", "unknown_vin"])
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class BatchAnswerSerializer(serializers.Serializer):
    accepted = serializers.IntegerField(help_text="Events stored now; they are applied shortly after.")
    duplicate = serializers.IntegerField(help_text="Events whose event_id you sent before: dropped.")
    rejected = serializers.IntegerField(help_text="Events refused; see `errors`.")
    errors = EventErrorSerializer(many=True)


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "maxLength": 200},
    OpenApiParameter.HEADER,
    required=False,
    description="Any text up to 200 characters, yours alone: a retry with the same key and body gets "
    "the stored answer; the same key with another body is 422; 409 while the first is in flight. "
    "Kept 24 hours (IDEMPOTENCY_KEY_RETENTION_HOURS).",
)


def _partner_of(caller) -> LogisticsPartner:
    if not caller.is_partner:
        raise PermissionDenied()
    return LogisticsPartner(pk=caller.partner_id, code=caller.partner_code or "")


class PartnerEventsView(ScopedAPIMixin):
    """`POST partner/events/`: store a batch of events and answer 202 with what happened to each."""

    queryset = Shipment.objects.all()
    serializer_class = EventBatchSerializer

    @extend_schema(
        summary="Report a batch of shipment events (partner keys)",
        description="Stores every valid event in one transaction and answers 202; the events are applied "
        "(milestones, ETA, order status, exceptions) by a background task shortly after. Idempotent on "
        "(partner, event_id): an event sent again counts as `duplicate`.",
        parameters=[IDEMPOTENCY_KEY],
        request=EventBatchSerializer,
        responses={
            202: BatchAnswerSerializer,
            409: ErrorSerializer,
            413: ErrorSerializer,
            422: ErrorSerializer,
        },
        tags=["partner"],
        operation_id="partner_events_create",
    )
    def post(self, request, *args, **kwargs):
        caller = self.caller
        partner = _partner_of(caller)
        key = request.headers.get("Idempotency-Key", "")
        if key and (len(key) > 200 or "\x00" in key or not key.isprintable()):
            raise ValidationFailed(
                fields={"Idempotency-Key": [_("At most 200 printable characters.")]}, code="invalid"
            )
        serializer = EventBatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data

        def call():
            answer = events_receive(
                partner=partner,
                actor=caller.actor,
                vocabulary=data["vocabulary"],
                version=data["version"],
                events=data["events"],
                sandbox=caller.sandbox,
            )
            return 202, answer.as_dict()

        if key:
            body = json.dumps(request.data, sort_keys=True, separators=(",", ":")).encode()
            status, answer = idempotent_call(
                partner=partner, key=key, body=body, call=call, sandbox=caller.sandbox
            )
        else:
            status, answer = call()
        return Response(answer, status=status)


class ShipmentMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShipmentMilestone
        fields = ["code", "planned_at", "estimated_at", "actual_at"]
        read_only_fields = fields


class ShipmentSerializer(serializers.ModelSerializer):
    """A shipment, its vehicles (VINs) and its milestones."""

    partner = serializers.CharField(source="partner.code")
    vehicles = serializers.SerializerMethodField()
    milestones = ShipmentMilestoneSerializer(many=True, source="visible_milestones")

    class Meta:
        model = Shipment
        fields = [
            "reference",
            "partner",
            "origin",
            "destination",
            "vessel",
            "voyage",
            "current_milestone",
            "promised_at_dealer",
            "eta_at_dealer",
            "last_event_at",
            "vehicles",
            "milestones",
        ]
        read_only_fields = fields

    def get_vehicles(self, shipment) -> list[str]:
        return [assignment.vehicle.vin for assignment in shipment.visible_assignments]


class ShipmentPagination(CursorPagination):
    ordering = "-id"


def shipments_with_details(caller):
    """The caller's shipments with their vehicles and milestones (three queries per page)."""
    return (
        scoped(Shipment, caller)
        .select_related("partner")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=scoped(ShipmentVehicle, caller).select_related("vehicle").order_by("id"),
                to_attr="visible_assignments",
            ),
            Prefetch(
                "milestones",
                queryset=scoped(ShipmentMilestone, caller).order_by("id"),
                to_attr="visible_milestones",
            ),
        )
    )


@extend_schema(tags=["partner"])
class PartnerShipmentViewSet(ScopedAPIMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """`GET partner/shipments/`: the partner's own shipments, newest first (partner keys only)."""

    queryset = Shipment.objects.all()
    serializer_class = ShipmentSerializer
    pagination_class = ShipmentPagination
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return shipments_with_details(self.caller)

    @extend_schema(summary="Your shipments, newest first, with their vehicles and milestones (partner keys)")
    def list(self, request, *args, **kwargs):
        _partner_of(self.caller)
        return super().list(request, *args, **kwargs)


# The sandbox: scripted scenarios (importorders.services.sandbox, docs/partner-api.md) ---------------


class SandboxKeyRequired(PermissionDenied):
    """A live key asked for what only a sandbox key may do (403)."""

    default_code = "sandbox_key_required"


class ScenarioSummarySerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Replay it with `POST partner/sandbox/scenarios/{name}/`.")
    title = serializers.CharField()
    description = serializers.CharField()


class ExpectedMilestoneSerializer(serializers.Serializer):
    code = serializers.CharField()
    planned_at = serializers.DateTimeField(allow_null=True)
    estimated_at = serializers.DateTimeField(allow_null=True)
    actual_at = serializers.DateTimeField(allow_null=True)


class ExpectedShipmentSerializer(serializers.Serializer):
    """The sandbox shipment as `GET partner/shipments/` shows it once the batch is applied."""

    reference = serializers.CharField()
    partner = serializers.CharField()
    origin = serializers.CharField()
    destination = serializers.CharField()
    vessel = serializers.CharField()
    voyage = serializers.CharField()
    current_milestone = serializers.CharField(allow_blank=True)
    promised_at_dealer = serializers.DateField(allow_null=True)
    eta_at_dealer = serializers.DateTimeField(allow_null=True)
    last_event_at = serializers.DateTimeField(allow_null=True)
    vehicles = serializers.ListField(child=serializers.CharField())
    milestones = ExpectedMilestoneSerializer(many=True)


class ExpectedSerializer(serializers.Serializer):
    answer = BatchAnswerSerializer(help_text="What `POST partner/events/` answers to the batch.")
    shipment = ExpectedShipmentSerializer()


class ScenarioBatchSerializer(serializers.Serializer):
    vocabulary = serializers.CharField()
    version = serializers.CharField()
    events = serializers.ListField(child=serializers.DictField())


class ScenarioSerializer(serializers.Serializer):
    """A scenario reset: the batch to post with your own client, and where it leads."""

    scenario = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    batch = ScenarioBatchSerializer(help_text="Post it as it is to `partner/events/` with the sandbox key.")
    expected = ExpectedSerializer()


def _sandbox_partner_of(caller) -> LogisticsPartner:
    partner = _partner_of(caller)
    if not caller.sandbox:
        raise SandboxKeyRequired(_("Scenarios run with a sandbox key only; this key is a live one."))
    return partner


class SandboxScenarioListView(ScopedAPIMixin):
    """`GET partner/sandbox/scenarios/`: the scripted scenarios (partner keys, live or sandbox)."""

    queryset = Shipment.objects.all()
    serializer_class = ScenarioSummarySerializer
    pagination_class = None  # five scenarios, one answer

    @extend_schema(
        summary="The sandbox's scripted scenarios (partner keys)",
        responses={200: ScenarioSummarySerializer(many=True)},
        tags=["partner"],
        operation_id="partner_sandbox_scenarios_list",
    )
    def get(self, request, *args, **kwargs):
        _partner_of(self.caller)
        return Response(ScenarioSummarySerializer(sandbox_scenarios(), many=True).data)


class SandboxScenarioView(ScopedAPIMixin):
    """`POST partner/sandbox/scenarios/{name}/`: reset the scenario's sandbox shipment (sandbox keys)."""

    queryset = Shipment.objects.all()
    serializer_class = ScenarioSerializer

    @extend_schema(
        summary="Reset a scenario's sandbox shipment and get its batch (sandbox keys)",
        description="Puts the scenario's sandbox shipment back to its start (no events, no milestones; "
        "the key's sandbox Idempotency-Keys are forgotten) and answers the batch to post to "
        "`partner/events/` with the same key, the answer that post gets, and the shipment as "
        "`GET partner/shipments/` shows it once the batch is applied. Nothing is sent for you. "
        "403 `sandbox_key_required` for a live key; 404 for a name that is not a scenario; 409 "
        "`sandbox_unavailable` when the sandbox cannot be prepared. Takes no body.",
        parameters=[
            OpenApiParameter(
                "name",
                str,
                OpenApiParameter.PATH,
                enum=[scenario.name for scenario in SCENARIOS],
                description="The scenario (`GET partner/sandbox/scenarios/`).",
            )
        ],
        request=None,
        responses={200: ScenarioSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer},
        tags=["partner"],
        operation_id="partner_sandbox_scenario_reset",
    )
    def post(self, request, name: str, *args, **kwargs):
        caller = self.caller
        partner = _sandbox_partner_of(caller)
        scenario = BY_NAME.get(name)
        if scenario is None:
            raise NotFound(_("No scenario has this name."))
        result = sandbox_scenario_reset(partner=partner, scenario=scenario, actor=caller.actor)
        return Response(ScenarioSerializer(result).data)
