"""Catalog endpoints: models, trims, and the landed-cost quote.

The lists and details are the same for every caller of one kind (back office or dealer), change
rarely, and are read far more than anything else: their rendered bodies are cached in-process
under the catalog's version stamp (see catalog.versioning), the caller's visibility class, the
language, today's date in Japan (prices are dated), the scheme and host (list links are absolute)
and the full request path.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.filters import TrimFilter, VehicleModelFilter
from catalog.api.representations import names, quote_body, trim_row, usd, vehicle_model_row
from catalog.api.serializers import (
    QuoteRequestSerializer,
    QuoteSerializer,
    TrimDetailSerializer,
    TrimSerializer,
    VehicleModelSerializer,
)
from catalog.models import Trim, VehicleModel
from catalog.models.scoping import sees_catalog
from catalog.selectors.browse import trim_list, vehicle_model_list
from catalog.selectors.portal import configurator_for_caller
from catalog.selectors.pricing import trim_pricing
from catalog.services.quote import quote_build
from catalog.versioning import catalog_version
from core import clock
from core.api.pagination import CursorPagination
from core.api.response_cache import ResponseCache
from core.api.views import ScopedAPIMixin
from core.callers import Caller, get_caller
from core.errors import ValidationFailed
from core.scoping import get_scoped_or_404, scoped

response_cache = ResponseCache(max_entries=512)


CODE_SCHEMA = {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]*$", "maxLength": 40}


def _code_parameter(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, CODE_SCHEMA, OpenApiParameter.QUERY, description=description)


def _visibility(caller: Caller) -> str:
    if caller.is_back_office:
        return "back_office"
    return "dealer" if sees_catalog(caller) else "none"


def _cache_key(request: Request, caller: Caller, today: dt.date) -> tuple | None:
    """The key of a cached catalog read; `today` is the request's one reading of the date in Japan,
    which also prices the body, so an entry is never priced on a date other than its key's.

    A list's `next` and `previous` links are absolute, built from the request's scheme and host:
    both are in the key, so a caller is never sent links to a host it did not call. The host is
    the raw one that `get_host()` validates (CommonMiddleware has done so before any view runs,
    and ALLOWED_HOSTS bounds how many there can be), and the path and query are the raw ones:
    finer than their normalised forms, so never a wrong hit, and cheaper. None (build, do not
    cache) while there is no catalog version (Redis unreachable).
    """
    version = catalog_version()
    if version is None:
        return None
    django_request = request._request
    return (
        version,
        _visibility(caller),
        get_language(),
        today.isoformat(),
        django_request.scheme,
        django_request._get_raw_host(),
        django_request.path,
        django_request.META.get("QUERY_STRING", ""),
    )


class CodePagination(CursorPagination):
    ordering = "code"


@extend_schema_view(
    list=extend_schema(
        summary="Models dealers can order, with their recognition status",
        tags=["catalog"],
        parameters=[_code_parameter("maker", "Maker code, e.g. TOYOTA.")],
    ),
    retrieve=extend_schema(summary="One model", tags=["catalog"]),
)
class VehicleModelViewSet(
    ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Vehicle models; not-yet-recognised ones are listed and flagged subject to approval."""

    queryset = VehicleModel.objects.all()
    serializer_class = VehicleModelSerializer
    filterset_class = VehicleModelFilter
    pagination_class = CodePagination
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9_.-]+"

    def get_queryset(self):
        return vehicle_model_list(caller=self.caller)

    def list(self, request, *args, **kwargs):
        def build() -> Response:
            page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
            return self.get_paginated_response([vehicle_model_row(model) for model in page])

        return response_cache.respond(_cache_key(request, self.caller, clock.today_jst()), build)

    def retrieve(self, request, *args, **kwargs):
        def build() -> Response:
            model = get_scoped_or_404(self.get_queryset(), self.caller, code=kwargs["code"])
            return Response(vehicle_model_row(model))

        return response_cache.respond(_cache_key(request, self.caller, clock.today_jst()), build)


@extend_schema_view(
    list=extend_schema(
        summary="Trims with specifications and today's price",
        tags=["catalog"],
        parameters=[
            _code_parameter("model", "Vehicle model code, e.g. CAMRY."),
            _code_parameter("maker", "Maker code, e.g. TOYOTA."),
            OpenApiParameter(
                "model_year", {"type": "integer", "minimum": 1980, "maximum": 2100}, OpenApiParameter.QUERY
            ),
        ],
    ),
    retrieve=extend_schema(
        summary="One trim with the options (and their rules) and colours it offers",
        tags=["catalog"],
        responses={200: TrimDetailSerializer},
        parameters=[
            # The router's lookup pattern, as spectacular derives it for the models' `code`.
            OpenApiParameter(
                "id",
                {"type": "string", "pattern": "^[A-Za-z0-9_.-]+$"},
                OpenApiParameter.PATH,
                description="Trim code.",
            )
        ],
    ),
)
class TrimViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Trims, addressed by their public code."""

    queryset = Trim.objects.all()
    serializer_class = TrimSerializer
    filterset_class = TrimFilter
    pagination_class = CodePagination
    lookup_field = "code"
    lookup_url_kwarg = "id"
    lookup_value_regex = "[A-Za-z0-9_.-]+"

    def get_queryset(self):
        return trim_list(caller=self.caller)

    def list(self, request, *args, **kwargs):
        today = clock.today_jst()  # read once: it keys the cached body and prices it

        def build() -> Response:
            page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
            pricing = trim_pricing(trims=page, on_date=today)
            return self.get_paginated_response([trim_row(trim, pricing[trim.pk]) for trim in page])

        return response_cache.respond(_cache_key(request, self.caller, today), build)

    def retrieve(self, request, *args, **kwargs):
        today = clock.today_jst()

        def build() -> Response:
            return Response(trim_detail(caller=self.caller, code=kwargs["id"], on_date=today))

        return response_cache.respond(_cache_key(request, self.caller, today), build)


def trim_detail(*, caller: Caller, code: str, on_date: dt.date) -> dict:
    """A trim with its offered options (with rules and prices) and colours (with prices) on a date.

    The same read as the portal's configurator, so the API and the pages show the same options,
    rules and prices, all from the one price list that a quote would use.
    """
    configurator = configurator_for_caller(caller=caller, code=code, on_date=on_date)
    chosen = [configurator.price_list] if configurator.price_list else []
    pricing = trim_pricing(trims=[configurator.trim], on_date=on_date, lists=chosen)[configurator.trim.pk]
    choices = sorted(
        (choice for group in configurator.option_groups for choice in group.choices),
        key=lambda c: c.option.code,
    )
    return {
        **trim_row(configurator.trim, pricing),
        "options": [
            {
                "code": choice.option.code,
                **names(choice.option),
                "kind": choice.option.kind,
                "installation": choice.option.installation,
                "fob_usd": usd(choice.fob_usd),
                "requires": [o.code for o in choice.requires],
                "excludes": [o.code for o in choice.excludes],
                "includes": [o.code for o in choice.includes],
            }
            for choice in choices
        ],
        "colors": [
            {"code": c.color.code, **names(c.color), "hex": c.color.hex, "fob_usd": usd(c.fob_usd)}
            for c in sorted(configurator.colors, key=lambda c: c.color.code)
        ],
    }


class QuoteView(APIView):
    """Validate a configuration and price it landed in Japan, in whole yen."""

    @extend_schema(
        summary="Landed-cost quote: configuration check and price breakdown in JPY",
        description=(
            "400 names each broken rule: `error.fields` has the messages per field and `error.details` "
            "one object per broken rule with its stable `code` (e.g. `excluded_option`, "
            "`missing_required_option`), `option` and `target`. 422 when the data needed to price on "
            "that date is missing (`price_list_missing`, `fx_rate_missing`, `tax_rule_missing`)."
        ),
        request=QuoteRequestSerializer,
        responses={200: QuoteSerializer, 422: None},
        tags=["catalog"],
    )
    def post(self, request: Request) -> Response:
        serializer = QuoteRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        caller = get_caller(request)
        trim = scoped(Trim, caller).filter(code=data["trim"]).first()
        if trim is None:
            message = _("No such trim in the catalog.")
            raise ValidationFailed(message, code="unknown_trim", fields={"trim": [message]})
        quote = quote_build(
            trim=trim, color_code=data["color"], option_codes=data["options"], on_date=data.get("on_date")
        )
        return Response(quote_body(quote))
