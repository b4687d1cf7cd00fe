"""Vehicle endpoints: `vehicles/{vin}/`, and the bodies of VIN assignment (orders/.../assign-vin/,
orders/assign-vins/), which the order endpoints in importorders.api.views serve."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from catalog.api.serializers import CodeNameSerializer
from core import clock
from core.api.views import ScopedAPIMixin
from core.errors import NotFound
from importorders.api.serializers import OrderEventSerializer
from importorders.models import Classifier, Milestone, OrderStatus, PartnerEvent, Vehicle
from importorders.selectors.timeline import (
    entry_source,
    eta_slip_days,
    vehicle_timeline,
)
from importorders.selectors.vehicles import vehicle_get, vehicle_list
from importorders.vehicle_blocks import vehicle_blocks


class AssignVinSerializer(serializers.Serializer):
    """The VIN the plant gave a scheduled order, and the day it was built."""

    vin = serializers.CharField(
        max_length=64,
        help_text="The 17-character VIN; lower case and fullwidth characters are accepted (NFKC-normalised).",
    )
    build_date = serializers.DateField(
        required=False, help_text="The day the plant built it (Japan), not in the future; default today."
    )


class BuildListUploadSerializer(serializers.Serializer):
    """The plant's build list: a CSV file with the columns reference, VIN, build date."""

    file = serializers.FileField(
        help_text="CSV, UTF-8 (with or without BOM) or Shift_JIS, header `reference,VIN,build date`; at "
        "most 5,000 rows and 1,000,000 bytes."
    )


class BuildListResultSerializer(serializers.Serializer):
    assigned = serializers.IntegerField(help_text="Orders built now, with their VIN.")
    unchanged = serializers.IntegerField(
        help_text="Rows whose order already carried that VIN (a list uploaded again): nothing changed."
    )


class VehicleOrderSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    dealer = serializers.CharField(source="dealer.code", help_text="Dealer code.")


class TimelineEntrySerializer(OrderEventSerializer):
    """One fact of the vehicle's life; `source` says where it comes from: `order` (an order event),
    `shipment` (a partner's shipment event: `kind` is `shipment_event`, `at` the time it names, and
    `milestone`, `classifier` (`PLN` planned, `EST` estimated, `ACT` actual) and `location` say what)
    or `compliance` (a milestone of the vehicle's file or custody, which happened at `at`: `kind` is
    `document_submitted`, `document_approved`, `document_rejected` (`reason` the reviewer's),
    `document_expired`, `inspection_recorded`, `readiness_reached`, and for a stock vehicle
    `exception_raised` or `exception_resolved` (an ordered vehicle's exceptions are its order's events
    of those kinds); `changes` names the document type and version, the custody point, or the
    exception's kind)."""

    source = serializers.SerializerMethodField()
    kind = serializers.CharField(
        help_text="The order event's kind, `shipment_event`, or the compliance milestone's kind."
    )
    milestone = serializers.SerializerMethodField()
    classifier = serializers.SerializerMethodField()
    location = serializers.SerializerMethodField()

    class Meta(OrderEventSerializer.Meta):
        fields = ["source", *OrderEventSerializer.Meta.fields, "milestone", "classifier", "location"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["order", "shipment", "compliance"]))
    def get_source(self, event) -> str:
        return entry_source(event)

    @extend_schema_field(serializers.ChoiceField(choices=Milestone.choices, allow_null=True))
    def get_milestone(self, event) -> str | None:
        fact = _shipment_event(event)
        return fact.code if fact else None

    @extend_schema_field(
        serializers.ChoiceField(
            choices=Classifier.choices,
            allow_null=True,
            help_text="Shipment events only; order events and compliance milestones are what happened.",
        )
    )
    def get_classifier(self, event) -> str | None:
        fact = _shipment_event(event)
        return fact.classifier if fact else None

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="UN/LOCODE."))
    def get_location(self, event) -> str | None:
        fact = _shipment_event(event)
        return (fact.location or None) if fact else None


def _shipment_event(entry) -> PartnerEvent | None:
    return getattr(entry, "shipment_event", None)


class VehicleShipmentSerializer(serializers.Serializer):
    """The shipment the vehicle is on: route, vessel, current milestone, the promise and the estimate."""

    reference = serializers.CharField()
    partner = serializers.CharField(source="partner.code")
    origin = serializers.CharField()
    destination = serializers.CharField()
    vessel = serializers.CharField()
    voyage = serializers.CharField()
    current_milestone = serializers.CharField(help_text="Empty before the first actual event.")
    promised_at_dealer = serializers.DateField(
        allow_null=True, help_text="The at-dealer date promised when the shipment was scheduled."
    )
    eta_at_dealer = serializers.DateTimeField(allow_null=True, help_text="The current at-dealer estimate.")
    eta_slip_days = serializers.SerializerMethodField(
        help_text="Days the estimate (its day in Japan) is later than the promise; negative: earlier; "
        "null without both."
    )

    def get_eta_slip_days(self, shipment) -> int | None:
        return eta_slip_days(shipment)


class VehicleSerializer(serializers.ModelSerializer):
    """A vehicle, its order (empty for a stock vehicle) and its timeline, oldest first."""

    order = VehicleOrderSerializer(allow_null=True)
    model = CodeNameSerializer(source="model_year.vehicle_model")
    model_year = serializers.IntegerField(source="model_year.year")
    trim = CodeNameSerializer()
    color = CodeNameSerializer()
    plant = CodeNameSerializer()
    shipment = VehicleShipmentSerializer(allow_null=True, source="current_shipment")
    timeline = TimelineEntrySerializer(many=True, source="timeline_entries")

    class Meta:
        model = Vehicle
        fields = [
            "vin",
            "order",
            "model",
            "model_year",
            "trim",
            "color",
            "plant",
            "build_date",
            "created_at",
            "shipment",
            "timeline",
        ]
        read_only_fields = fields

    def get_fields(self):
        # Blocks other apps register (importorders.vehicle_blocks), each under its own name.
        fields = super().get_fields()
        for block in vehicle_blocks():
            fields[block.name] = block.serializer_class(source=f"block_{block.name}", read_only=True)
        return fields


VIN_PARAMETER = OpenApiParameter(
    "vin",
    {"type": "string", "maxLength": 64},
    OpenApiParameter.PATH,
    description="The VIN (any case; fullwidth characters accepted).",
)


class VehicleViewSet(ScopedAPIMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Vehicles by VIN: a dealer sees those of its own orders (another's is 404); the back office all."""

    queryset = Vehicle.objects.all()
    lookup_field = "vin"
    lookup_value_regex = "[^/]+"
    serializer_class = VehicleSerializer
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return vehicle_list(caller=self.caller)

    @extend_schema(
        summary="One vehicle by VIN: its build, its order, its shipment (the promise beside the "
        "estimate) and one timeline (order events, shipment events, compliance milestones, oldest first)",
        parameters=[VIN_PARAMETER],
        responses={200: VehicleSerializer},
    )
    def retrieve(self, request, *args, **kwargs):
        caller = self.caller
        if caller.is_partner:
            raise NotFound()  # partners read their vehicles through partner/shipments/
        vehicle = vehicle_get(caller=caller, vin=kwargs["vin"])
        today = clock.today_jst()
        vehicle.timeline_entries = vehicle_timeline(caller=caller, vehicle=vehicle, today=today)
        assignment = getattr(vehicle, "shipment_assignment", None)
        vehicle.current_shipment = assignment.shipment if assignment is not None else None
        for block in vehicle_blocks():
            setattr(vehicle, f"block_{block.name}", block.load(vehicle=vehicle, caller=caller, today=today))
        context = {"caller": caller, "today": today, "request": request}
        return Response(VehicleSerializer(vehicle, context=context).data)
