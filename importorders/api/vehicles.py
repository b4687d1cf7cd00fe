"""Vehicle endpoints: `vehicles/{vin}/`, and the bodies of VIN assignment (orders/.../assign-vin/,
orders/assign-vins/), which the order endpoints in importorders.api.views serve."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from catalog.api.serializers import CodeNameSerializer
from core import clock
from core.api.views import ScopedAPIMixin
from importorders.api.serializers import OrderEventSerializer
from importorders.models import OrderStatus, Vehicle
from importorders.selectors.orders import order_event_list
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
    """One fact of the vehicle's life; `source` says where it comes from (`order` for now; shipment
    and compliance facts join the timeline as they come)."""

    source = serializers.SerializerMethodField()

    class Meta(OrderEventSerializer.Meta):
        fields = ["source", *OrderEventSerializer.Meta.fields]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["order"]))
    def get_source(self, event) -> str:
        return "order"


class VehicleSerializer(serializers.ModelSerializer):
    """A vehicle, its order (empty for a stock vehicle) and its timeline, oldest first."""

    order = VehicleOrderSerializer(allow_null=True)
    model = CodeNameSerializer(source="model_year.vehicle_model")
    model_year = serializers.IntegerField(source="model_year.year")
    trim = CodeNameSerializer()
    color = CodeNameSerializer()
    plant = CodeNameSerializer()
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
        summary="One vehicle by VIN: its build, its order and its timeline (order events, oldest first)",
        parameters=[VIN_PARAMETER],
        responses={200: VehicleSerializer},
    )
    def retrieve(self, request, *args, **kwargs):
        caller = self.caller
        vehicle = vehicle_get(caller=caller, vin=kwargs["vin"])
        vehicle.timeline_entries = (
            list(order_event_list(caller=caller, order=vehicle.order)) if vehicle.order_id else []
        )
        today = clock.today_jst()
        for block in vehicle_blocks():
            setattr(vehicle, f"block_{block.name}", block.load(vehicle=vehicle, caller=caller, today=today))
        context = {"caller": caller, "today": today, "request": request}
        return Response(VehicleSerializer(vehicle, context=context).data)
