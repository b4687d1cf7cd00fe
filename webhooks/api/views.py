"""The webhooks API: endpoints (CRUD, test, replay, secret rotation), deliveries (log, replay).

Order of checks: 404 (not the caller's) → 403 (role: a dealer's sales staff and the back office
read, a dealer's managers and keys and a partner's keys manage their own) → 400 → the write.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from core.api.pagination import CursorPagination
from core.callers import Caller, get_caller
from core.errors import PermissionDenied, ValidationFailed
from webhooks.api.serializers import (
    DeliveryDetailSerializer,
    DeliveryPageSerializer,
    DeliverySerializer,
    EndpointChangeSerializer,
    EndpointPageSerializer,
    EndpointSerializer,
    EndpointWithSecretSerializer,
    ReplayedSerializer,
    ReplayRangeSerializer,
)
from webhooks.selectors import deliveries_for, delivery_get, endpoint_get, endpoints_for
from webhooks.services import deliveries as delivery_services
from webhooks.services import endpoints as endpoint_services

TAGS = ["webhooks"]


class DeliveryCursor(CursorPagination):
    ordering = ("-created_at", "-id")


def _require_manager(caller: Caller) -> None:
    """Dealer managers, dealer keys and partner keys manage their own endpoints; others read."""
    if caller.kind in ("dealer_key", "partner_key"):
        return
    if caller.kind == "user" and caller.is_dealer and caller.dealer_role == "manager":
        return
    raise PermissionDenied(_("Only the dealer's managers and integration keys manage webhook endpoints."))


def _accepted(
    request, pk: int, *, get: Callable[..., Any], act: Callable[[Caller, Any], dict[str, Any]]
) -> Response:
    """What the managers' sends (test event, replays) share: the caller's row `get(caller=, pk=)`
    (404 when not theirs), the caller may manage it (403), then `act(caller, row)` (its 400s and
    the write), whose answer is the 202's body."""
    caller = get_caller(request)
    row = get(caller=caller, pk=pk)
    _require_manager(caller)
    return Response(act(caller, row), status=status.HTTP_202_ACCEPTED)


def _valid(serializer_class, data):
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise ValidationFailed(fields={k: [str(m) for m in v] for k, v in serializer.errors.items()})
    return serializer.validated_data


class EndpointListView(GenericAPIView):
    serializer_class = EndpointSerializer

    @extend_schema(
        summary="The caller's webhook endpoints",
        operation_id="webhooks_endpoints_list",
        responses={200: EndpointPageSerializer},
        tags=TAGS,
    )
    def get(self, request):
        queryset = endpoints_for(caller=get_caller(request))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(EndpointSerializer(page, many=True).data)

    @extend_schema(
        summary="Register an endpoint (its secret is in this answer only)",
        operation_id="webhooks_endpoints_create",
        tags=TAGS,
        request=EndpointSerializer,
        responses={201: EndpointWithSecretSerializer},
    )
    def post(self, request):
        caller = get_caller(request)
        _require_manager(caller)
        data = _valid(EndpointSerializer, request.data)
        owner = {"partner_id": caller.partner_id} if caller.kind == "partner_key" else {}
        from importorders.models import Dealer, LogisticsPartner

        endpoint = endpoint_services.endpoint_create(
            actor=caller.actor,
            url=data["url"],
            event_types=data["event_types"],
            description=data.get("description", ""),
            dealer=Dealer.objects.get(pk=caller.dealer_id) if not owner else None,
            partner=LogisticsPartner.objects.get(pk=caller.partner_id) if owner else None,
        )
        return Response(EndpointWithSecretSerializer(endpoint).data, status=status.HTTP_201_CREATED)


class EndpointDetailView(GenericAPIView):
    serializer_class = EndpointSerializer

    @extend_schema(summary="One webhook endpoint", operation_id="webhooks_endpoints_retrieve", tags=TAGS)
    def get(self, request, pk: int):
        return Response(EndpointSerializer(endpoint_get(caller=get_caller(request), pk=pk)).data)

    @extend_schema(
        summary="Change an endpoint's URL, event types or description; disable or enable it",
        operation_id="webhooks_endpoints_partial_update",
        tags=TAGS,
        request=EndpointChangeSerializer,
        responses={200: EndpointSerializer},
    )
    def patch(self, request, pk: int):
        caller = get_caller(request)
        endpoint = endpoint_get(caller=caller, pk=pk)
        _require_manager(caller)
        data = _valid(EndpointChangeSerializer, request.data)
        endpoint = endpoint_services.endpoint_update(
            endpoint=endpoint,
            actor=caller.actor,
            url=data.get("url"),
            event_types=data.get("event_types"),
            description=data.get("description"),
        )
        if data.get("is_active") is False:
            endpoint_services.endpoint_disable(endpoint=endpoint, actor=caller.actor)
        elif data.get("is_active") is True and not endpoint.is_active:
            endpoint = endpoint_services.endpoint_enable(endpoint=endpoint, actor=caller.actor)
        return Response(EndpointSerializer(endpoint).data)


class EndpointRotateView(GenericAPIView):
    serializer_class = EndpointWithSecretSerializer

    @extend_schema(
        summary="A new secret; the previous one keeps signing beside it for 24 hours",
        operation_id="webhooks_endpoints_rotate_secret",
        tags=TAGS,
        request=None,
        responses={200: EndpointWithSecretSerializer},
    )
    def post(self, request, pk: int):
        caller = get_caller(request)
        endpoint = endpoint_get(caller=caller, pk=pk)
        _require_manager(caller)
        endpoint = endpoint_services.endpoint_secret_rotate(endpoint=endpoint, actor=caller.actor)
        return Response(EndpointWithSecretSerializer(endpoint).data)


class EndpointTestView(GenericAPIView):
    serializer_class = DeliverySerializer

    @extend_schema(
        summary="Send a webhook.test event to the endpoint",
        operation_id="webhooks_endpoints_test",
        tags=TAGS,
        request=None,
        responses={202: DeliverySerializer},
    )
    def post(self, request, pk: int):
        def send(caller: Caller, endpoint) -> dict:
            delivery = delivery_services.endpoint_test_send(endpoint=endpoint, actor=caller.actor)
            return DeliverySerializer(delivery).data

        return _accepted(request, pk, get=endpoint_get, act=send)


class EndpointReplayView(GenericAPIView):
    serializer_class = ReplayRangeSerializer

    @extend_schema(
        summary="Replay every delivery of the endpoint created in a time range",
        operation_id="webhooks_endpoints_replay",
        tags=TAGS,
        request=ReplayRangeSerializer,
        responses={202: ReplayedSerializer},
    )
    def post(self, request, pk: int):
        def replay(caller: Caller, endpoint) -> dict:
            data = _valid(ReplayRangeSerializer, request.data)
            count = delivery_services.deliveries_replay_range(
                endpoint=endpoint, actor=caller.actor, since=data["since"], until=data["until"]
            )
            return {"replayed": count}

        return _accepted(request, pk, get=endpoint_get, act=replay)


class EndpointDeliveriesView(GenericAPIView):
    serializer_class = DeliverySerializer
    pagination_class = DeliveryCursor

    @extend_schema(
        summary="The endpoint's delivery log",
        operation_id="webhooks_endpoints_deliveries",
        responses={200: DeliveryPageSerializer},
        tags=TAGS,
    )
    def get(self, request, pk: int):
        caller = get_caller(request)
        endpoint = endpoint_get(caller=caller, pk=pk)
        page = self.paginate_queryset(deliveries_for(caller=caller, endpoint=endpoint))
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)


class DeliveryListView(GenericAPIView):
    serializer_class = DeliverySerializer
    pagination_class = DeliveryCursor

    @extend_schema(
        summary="The caller's webhook deliveries",
        operation_id="webhooks_deliveries_list",
        responses={200: DeliveryPageSerializer},
        tags=TAGS,
    )
    def get(self, request):
        page = self.paginate_queryset(deliveries_for(caller=get_caller(request)))
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)


class DeliveryReplayView(GenericAPIView):
    serializer_class = DeliverySerializer

    @extend_schema(
        summary="Send one delivery again, with its webhook-id",
        operation_id="webhooks_deliveries_replay",
        tags=TAGS,
        request=None,
        responses={202: DeliverySerializer},
    )
    def post(self, request, pk: int):
        def replay(caller: Caller, delivery) -> dict:
            delivery = delivery_services.delivery_replay(delivery=delivery, actor=caller.actor)
            return DeliverySerializer(delivery).data

        return _accepted(request, pk, get=delivery_get, act=replay)


class DeliveryDetailView(GenericAPIView):
    serializer_class = DeliveryDetailSerializer

    @extend_schema(
        summary="One delivery with its payload and every attempt (request headers and body, response)",
        operation_id="webhooks_deliveries_retrieve",
        tags=TAGS,
    )
    def get(self, request, pk: int):
        delivery = delivery_get(caller=get_caller(request), pk=pk, with_attempts=True)
        return Response(DeliveryDetailSerializer(delivery).data)
