"""Saved quotes over the API: `GET quotes/`, `POST quotes/` (save), `GET quotes/{number}/`.

A dealer's people and integration keys save and read their dealer's quotes; the back office reads
every dealer's (and saves none: 403). Another dealer's quote is not found (404). A saved quote
answers its locked figures (the landed-cost sheet and the customer estimate as priced), whatever
the catalog says today, and whether it has expired.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.reverse import reverse

from catalog.models import Trim
from core import clock
from core.api.pagination import CursorPagination
from core.api.schema import ErrorSerializer
from core.api.views import ScopedAPIMixin
from core.errors import PermissionDenied
from core.scoping import scoped, write_in_scope
from importorders.api.serializers import MonthField
from importorders.models import SavedQuote
from importorders.selectors.dealers import dealer_of_caller
from importorders.selectors.quotes import saved_quote_get, saved_quote_list
from importorders.services import quotes as quote_services

NOT_A_DEALER = _("Quotes are saved by a dealer's people or its integration key.")

NUMBER = OpenApiParameter(
    "number",
    {"type": "string", "pattern": "^[A-Za-z0-9-]+$", "maxLength": 20},
    OpenApiParameter.PATH,
    description="The quote's number, e.g. `Q-K7M3-9QPX` (any case; the hyphens may be left out).",
)


class QuotePagination(CursorPagination):
    ordering = ("-issued_at", "-id")


class QuoteWriteSerializer(serializers.Serializer):
    """A build to quote for your dealer; the dealer is the caller's, never a field."""

    trim = serializers.CharField(max_length=40, help_text="Trim code (catalog/trims/).")
    color = serializers.CharField(max_length=40, help_text="Colour code, one the trim offers.")
    options = serializers.ListField(
        child=serializers.CharField(max_length=40), max_length=100, required=False, help_text="Option codes."
    )
    customer_name = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="Printed on the customer estimate."
    )
    registration_month = MonthField(
        required=False, help_text="`YYYY-MM`, this month to 24 months ahead; next month if left out."
    )

    def validate_trim(self, code: str) -> Trim:
        trim = scoped(Trim, self.context["caller"]).filter(code=code).first()
        if trim is None:
            raise serializers.ValidationError(_("No such trim in the catalog."))
        return trim

    def build(self) -> quote_services.QuoteInput:
        data = self.validated_data
        return quote_services.QuoteInput(
            trim=data["trim"],
            color_code=data["color"],
            option_codes=tuple(data.get("options", ())),
            customer_name=data.get("customer_name", ""),
            registration_month=data.get("registration_month"),
        )


class QuoteRowSerializer(serializers.Serializer):
    """One saved quote as a list shows it."""

    number = serializers.CharField()
    dealer = serializers.CharField(source="dealer.code")
    trim = serializers.CharField(source="trim.code")
    color = serializers.CharField(source="color_code")
    options = serializers.ListField(child=serializers.CharField(), source="option_codes")
    customer_name = serializers.CharField()
    salesperson = serializers.CharField()
    issued_at = serializers.DateTimeField()
    issued_on = serializers.DateField()
    valid_until = serializers.DateField(help_text="The last day (in Japan) it may be reopened.")
    expired = serializers.SerializerMethodField()
    registration_month = MonthField()
    fx_rate = serializers.DecimalField(max_digits=10, decimal_places=4)
    fx_rate_date = serializers.DateField()
    estimate_total_jpy = serializers.DecimalField(max_digits=12, decimal_places=0)
    landed_total_jpy = serializers.DecimalField(max_digits=12, decimal_places=0)

    def get_expired(self, quote: SavedQuote) -> bool:
        return quote.expired_on(self.context["today"])


@extend_schema_field(OpenApiTypes.OBJECT)
class RecordField(serializers.JSONField):
    """A locked record: amounts as strings, dates as ISO dates."""


class QuoteDetailSerializer(QuoteRowSerializer):
    """One saved quote with both printouts' figures as they were priced."""

    landed_cost = RecordField(source="quote_record", help_text="The landed-cost sheet (internal use).")
    estimate = RecordField(
        source="estimate_record",
        help_text="The customer estimate: lines at suggested retail, consumption tax, statutory costs.",
    )


@extend_schema_view(
    list=extend_schema(
        summary="Saved quotes the caller may see, newest first (back office: all; a dealer: its own)",
        # A malformed query (a NUL character, an absurd page size) is 400 like every list's.
        responses={200: QuoteRowSerializer(many=True), 400: ErrorSerializer},
    ),
    create=extend_schema(
        summary="Save a quote of a build for your dealer (a dealer's people and integration keys)",
        description="Prices the build now and locks both printouts, the FX rate and the validity "
        "(QUOTE_VALIDITY_DAYS). 400 names each broken configuration rule in `error.details` (as "
        "`catalog/quote/` does); 422 when a price, retail price, rate or tax row is missing.",
        request=QuoteWriteSerializer,
        responses={201: QuoteDetailSerializer, 422: ErrorSerializer},
    ),
    retrieve=extend_schema(
        summary="One saved quote at its locked prices (expired or not)",
        parameters=[NUMBER],
        responses={200: QuoteDetailSerializer},
    ),
)
class SavedQuoteViewSet(ScopedAPIMixin, viewsets.GenericViewSet):
    """Saved quotes, addressed by their number. Another dealer's quote is not found (404)."""

    queryset = SavedQuote.objects.all()
    lookup_field = "number"
    lookup_value_regex = "[A-Za-z0-9-]+"
    serializer_class = QuoteRowSerializer
    pagination_class = QuotePagination
    http_method_names = ["get", "post", "head", "options"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.today = clock.today_jst()

    def get_queryset(self):
        return saved_quote_list(caller=self.caller)

    def get_serializer_class(self):
        return {"create": QuoteWriteSerializer, "retrieve": QuoteDetailSerializer}.get(
            self.action, QuoteRowSerializer
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "caller": self.caller, "today": self.today}

    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset().defer("quote_record", "estimate_record")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(
            QuoteRowSerializer(page, many=True, context=self.get_serializer_context()).data
        )

    def create(self, request, *args, **kwargs):
        caller = self.caller
        if not caller.is_dealer:
            raise PermissionDenied(NOT_A_DEALER)
        serializer = QuoteWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        dealer = dealer_of_caller(caller=caller)
        saved = write_in_scope(
            caller,
            lambda: quote_services.quote_save(dealer=dealer, actor=caller.actor, build=serializer.build()),
        )
        location = reverse("api:quote-detail", kwargs={"number": saved.number}, request=request)
        body = QuoteDetailSerializer(saved, context=self.get_serializer_context()).data
        return Response(body, status=201, headers={"Location": location})

    def retrieve(self, request, *args, **kwargs):
        saved = saved_quote_get(caller=self.caller, number=kwargs["number"])
        return Response(QuoteDetailSerializer(saved, context=self.get_serializer_context()).data)
