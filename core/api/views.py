"""API endpoints owned by core."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.serializers import MeSerializer
from core.callers import caller_summary


class MeView(APIView):
    """Who the caller is: a user or a key, its dealer or partner, its roles and language."""

    @extend_schema(responses={200: MeSerializer}, operation_id="me_retrieve", tags=["identity"])
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(caller_summary(request)).data)
