"""Serializers for dealers and orders."""

import datetime as dt
import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.api.serializers import CodeNameSerializer, QuoteLineSerializer
from catalog.models import Trim
from core.actors import ActorKindChoice
from core.scoping import scoped
from importorders.models import (
    Dealer,
    DealerAPIKey,
    DealerMembership,
    Order,
    OrderEvent,
    OrderKind,
    OrderStatus,
)
from importorders.pipeline import API_MOVES, moves_for, order_cutoff
from importorders.selectors.orders import order_event_actor
from importorders.services.orders import OrderChanges


class DealerSerializer(serializers.ModelSerializer):
    """A dealer as every caller who may see it sees it."""

    prefecture_name = serializers.CharField(source="get_prefecture_display", read_only=True)

    class Meta:
        model = Dealer
        fields = ["code", "name_ja", "name_en", "prefecture", "prefecture_name", "address", "phone", "active"]
        read_only_fields = ["code"]


class DealerMemberSerializer(serializers.ModelSerializer):
    """A person at a dealer."""

    username = serializers.CharField(source="user.username")
    display_name = serializers.SerializerMethodField()
    active = serializers.SerializerMethodField(
        help_text="Whether the person can sign in and act for the dealer: both the membership and the "
        "user account are active."
    )

    class Meta:
        model = DealerMembership
        fields = ["username", "display_name", "role", "active"]

    def get_display_name(self, membership: DealerMembership) -> str:
        return membership.user.get_full_name() or membership.user.username

    def get_active(self, membership: DealerMembership) -> bool:
        return membership.active and membership.user.is_active


class DealerKeySerializer(serializers.ModelSerializer):
    """A dealer integration key's public facts; never the key itself (shown once at creation)."""

    has_expired = serializers.BooleanField(read_only=True)

    class Meta:
        model = DealerAPIKey
        fields = ["prefix", "name", "created", "expiry_date", "has_expired", "revoked", "last_used_at"]


class DealerDetailSerializer(DealerSerializer):
    """A dealer with the people and keys the caller may see (keys: back office and managers)."""

    people = DealerMemberSerializer(source="visible_memberships", many=True, read_only=True)
    api_keys = DealerKeySerializer(source="visible_keys", many=True, read_only=True)

    class Meta(DealerSerializer.Meta):
        fields = [*DealerSerializer.Meta.fields, "people", "api_keys"]


class DealerUpdateSerializer(serializers.ModelSerializer):
    """What the back office may change on a dealer."""

    class Meta:
        model = Dealer
        fields = ["name_ja", "name_en", "prefecture", "address", "phone", "active"]
        extra_kwargs = {name: {"required": False} for name in fields}


# Orders -------------------------------------------------------------------------------------------

MONTH_PATTERN = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"


def month_parse(text: str) -> dt.date:
    """`2027-03` as the first day of that month; ValueError for anything else."""
    if not isinstance(text, str) or not re.fullmatch(MONTH_PATTERN, text.strip()):
        raise ValueError(text)
    year, month = text.strip().split("-")
    return dt.date(int(year), int(month), 1)  # year 0000 raises ValueError too


MONTH_INVALID = _("Give a month as YYYY-MM, e.g. 2027-03.")


@extend_schema_field({"type": "string", "pattern": MONTH_PATTERN, "example": "2027-03"})
class MonthField(serializers.Field):
    """A month as `YYYY-MM`, held as its first day."""

    default_error_messages = {"invalid": MONTH_INVALID}

    def to_internal_value(self, data) -> dt.date:
        try:
            return month_parse(data)
        except ValueError:
            self.fail("invalid")

    def to_representation(self, value: dt.date) -> str:
        return value.strftime("%Y-%m")


def _date_in_range(value: dt.date) -> dt.date:
    # Order dates are within this century; far dates would only overflow date arithmetic.
    if not dt.date(2000, 1, 1) <= value <= dt.date(2100, 12, 31):
        raise serializers.ValidationError(_("Choose a date from 2000-01-01 to 2100-12-31."))
    return value


class OrderWriteSerializer(serializers.Serializer):
    """What a dealer sets on an order. Creating needs kind, trim, color and requested_month; an
    amendment (PATCH) names only what changes. The dealer is the caller's, never a field."""

    kind = serializers.ChoiceField(choices=OrderKind.choices)
    customer_reference = serializers.CharField(
        max_length=60, required=False, allow_blank=True, help_text="Your own reference; required for `sold`."
    )
    promised_date = serializers.DateField(
        required=False, allow_null=True, help_text="The date promised to the customer, if any."
    )
    trim = serializers.CharField(max_length=40, help_text="Trim code (catalog/trims/).")
    color = serializers.CharField(max_length=40, help_text="Colour code, one the trim offers.")
    options = serializers.ListField(
        child=serializers.CharField(max_length=40),
        max_length=100,
        required=False,
        help_text="Codes of the options and packages chosen (what a package includes is added by itself).",
    )
    requested_month = MonthField(help_text="The month the dealer asks for, `YYYY-MM`.")
    priority = serializers.IntegerField(
        min_value=0,
        max_value=2_147_483_647,
        required=False,
        help_text="Your own order of priority: lower first.",
    )
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    def validate_trim(self, code: str) -> Trim:
        trim = (
            scoped(Trim, self.context["caller"])
            .select_related("model_year__vehicle_model")
            .filter(code=code)
            .first()
        )
        if trim is None:
            raise serializers.ValidationError(_("No such trim in the catalog."))
        return trim

    def validate_promised_date(self, value: dt.date | None) -> dt.date | None:
        return None if value is None else _date_in_range(value)

    def changes(self) -> OrderChanges:
        """The validated body as the services' typed value (fields not sent stay UNSET)."""
        renamed = {"color": "color_code", "options": "option_codes"}
        values = {renamed.get(name, name): value for name, value in self.validated_data.items()}
        if "option_codes" in values:
            values["option_codes"] = tuple(values["option_codes"])
        return OrderChanges(**values)


class ReasonSerializer(serializers.Serializer):
    """A move that needs a reason the other side reads (reject, cancel)."""

    reason = serializers.CharField(max_length=2000)


class ScheduleSerializer(serializers.Serializer):
    """The target production week: any day of it (stored as its Monday)."""

    week = serializers.DateField(help_text="ISO date of any day in the production week, e.g. 2027-04-05.")

    def validate_week(self, value: dt.date) -> dt.date:
        return _date_in_range(value)


class OrderRowSerializer(serializers.ModelSerializer):
    """An order as a list shows it."""

    dealer = serializers.CharField(source="dealer.code", help_text="Dealer code.")
    model = serializers.CharField(
        source="trim.model_year.vehicle_model.code", help_text="Vehicle model code."
    )
    trim = serializers.CharField(source="trim.code", help_text="Trim code.")
    color = serializers.CharField(source="color.code", help_text="Colour code.")
    requested_month = MonthField()
    price_total_jpy = serializers.IntegerField(
        allow_null=True, help_text="Landed total in yen when last priced (at submission); empty for a draft."
    )

    class Meta:
        model = Order
        fields = [
            "reference",
            "dealer",
            "status",
            "kind",
            "model",
            "trim",
            "color",
            "requested_month",
            "priority",
            "customer_reference",
            "price_total_jpy",
            "created_at",
            "status_changed_at",
        ]
        read_only_fields = fields


class OrderConfigurationSerializer(serializers.Serializer):
    """The build: model, model year, trim, colour and the options chosen."""

    model = CodeNameSerializer(source="trim.model_year.vehicle_model")
    model_year = serializers.IntegerField(source="trim.model_year.year")
    trim = CodeNameSerializer()
    color = CodeNameSerializer()
    options = serializers.ListField(
        source="option_codes",
        child=serializers.CharField(),
        help_text="Options and packages chosen; what a package includes shows in the price lines.",
    )


class OrderDetailSerializer(OrderRowSerializer):
    """An order with its build, price, dates, and what the caller may do with it now."""

    configuration = OrderConfigurationSerializer(source="*")
    price_lines = QuoteLineSerializer(
        many=True, help_text="The quote's lines when the order was last priced."
    )
    fx_rate = serializers.DecimalField(
        max_digits=10, decimal_places=4, allow_null=True, help_text="USD/JPY, locked at confirmation."
    )
    change_cutoff = serializers.SerializerMethodField(
        help_text="The last day (Japan) the order may be cancelled or changed; empty until it is scheduled."
    )
    allowed_moves = serializers.SerializerMethodField(
        help_text="The moves you may make now (orders/{reference}/<move>/), in pipeline order."
    )

    class Meta(OrderRowSerializer.Meta):
        fields = [
            *OrderRowSerializer.Meta.fields,
            "configuration",
            "promised_date",
            "notes",
            "priced_on",
            "price_lines",
            "fx_rate",
            "fx_rate_date",
            "confirmed_at",
            "production_week",
            "change_cutoff",
            "allowed_moves",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_change_cutoff(self, order: Order) -> dt.date | None:
        return order_cutoff(order)

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=API_MOVES)))
    def get_allowed_moves(self, order: Order) -> list[str]:
        return moves_for(self.context["caller"], order, self.context["today"])


class StatusOrEmptyField(serializers.ChoiceField):
    """A status, or null where the event is not a move."""

    def to_representation(self, value: str) -> str | None:
        return value or None


class ActorShownSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ActorKindChoice.choices)
    label = serializers.CharField(
        help_text="Who: your own people and keys by name; the importer's staff and partners by kind only."
    )


class OrderEventSerializer(serializers.ModelSerializer):
    """One fact of an order's timeline."""

    from_status = StatusOrEmptyField(choices=OrderStatus.choices, allow_null=True)
    to_status = StatusOrEmptyField(choices=OrderStatus.choices, allow_null=True)
    changes = serializers.JSONField(
        help_text="What changed: `{field: {before, after}}` for an amendment, the new values for a move."
    )
    actor = serializers.SerializerMethodField()

    class Meta:
        model = OrderEvent
        fields = ["kind", "at", "from_status", "to_status", "reason", "changes", "actor"]
        read_only_fields = fields

    @extend_schema_field(ActorShownSerializer)
    def get_actor(self, event: OrderEvent) -> dict[str, str]:
        return order_event_actor(event, self.context["caller"])
