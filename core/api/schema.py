"""OpenAPI generation: every operation documents the error envelope for each status it can answer."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorBodySerializer(serializers.Serializer):
    """The inside of the error envelope."""

    code = serializers.CharField(
        help_text="Stable machine-readable code, e.g. `invalid`, `not_found`, `conflict`."
    )
    message = serializers.CharField(help_text="Human-readable message in the caller's language.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per input field; nested fields are joined with dots (`options.1`).",
    )
    details = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="Present on some errors: one object per problem with its own stable `code` and "
        "`message`, e.g. each broken configuration rule with its `field`, `option` and `target`.",
    )


class ErrorSerializer(serializers.Serializer):
    """Every error response: {"error": {"code", "message", "fields"}}."""

    error = ErrorBodySerializer()


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema, adding the error responses an operation can give."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for status in sorted(self._error_statuses()):
            responses.setdefault(str(status), self._get_response_for_code(ErrorSerializer, str(status)))
        return responses

    def _error_statuses(self) -> set[int]:
        statuses: set[int] = set()
        if any(not isinstance(permission, AllowAny) for permission in self.view.get_permissions()):
            statuses |= {401, 403}
        if (
            self.method in {"POST", "PUT", "PATCH"}
            or self._get_filter_parameters()
            or self.get_override_parameters()
        ):
            statuses.add(400)
        if self.method in {"POST", "PUT", "PATCH"}:
            # A body in a media type no parser reads (or one whose own header is unreadable).
            statuses.add(415)
        if "{" in self.path:
            statuses.add(404)
        if self.view.get_throttles():
            statuses.add(429)
        return statuses


class SessionAuthenticationScheme(OpenApiAuthenticationExtension):
    """Documents the portal's session cookie for our SessionAuthentication subclass."""

    target_class = "core.api.authentication.SessionAuthentication"
    name = "cookieAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    """Documents `Authorization: Api-Key <key>` (dealer integration keys and partner keys)."""

    target_class = "core.api.authentication.ApiKeyAuthentication"
    name = "apiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`: a dealer integration key or a logistics partner key.",
        }
