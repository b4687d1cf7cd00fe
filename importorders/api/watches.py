"""POST|DELETE orders/{reference}/watch/: a person watches an order, or stops.

The write order of every endpoint: the order loaded through the scoped selector (another dealer's
order is 404), then the role (a key is not a person: 403), then the write.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from core.callers import get_caller
from core.errors import PermissionDenied
from importorders.api.views import REFERENCE
from importorders.selectors.orders import order_get
from importorders.services.watches import PEOPLE_ONLY, order_unwatch, order_watch


class WatchSerializer(serializers.Serializer):
    order = serializers.CharField(help_text="The order's reference.")
    watching = serializers.BooleanField()


class OrderWatchView(GenericAPIView):
    serializer_class = WatchSerializer

    def _order(self, reference: str):
        caller = get_caller(self.request)
        order = order_get(caller=caller, reference=reference)
        if caller.kind != "user":
            raise PermissionDenied(PEOPLE_ONLY)
        return caller, order

    @extend_schema(
        summary="Watch an order: every event of it reaches you in the portal and by e-mail (people only)",
        operation_id="orders_watch_create",
        tags=["orders"],
        parameters=[REFERENCE],
        request=None,
        responses={200: WatchSerializer},
    )
    def post(self, request, reference: str):
        caller, order = self._order(reference)
        order_watch(order=order, actor=caller.actor)
        return Response({"order": order.reference, "watching": True})

    @extend_schema(
        summary="Stop watching an order (a repeat answers the same)",
        operation_id="orders_watch_destroy",
        tags=["orders"],
        parameters=[REFERENCE],
        request=None,
        responses={200: WatchSerializer},
    )
    def delete(self, request, reference: str):
        caller, order = self._order(reference)
        order_unwatch(order=order, actor=caller.actor)
        return Response({"order": order.reference, "watching": False})
