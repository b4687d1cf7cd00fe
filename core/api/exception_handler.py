"""One exception handler for the whole API: every error leaves in the same envelope.

{"error": {"code": "...", "message": "...", "fields": {"field": ["message", ...]}}}
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ApplicationError, NotAuthenticated

# DRF's own codes, renamed where the contract wants a clearer word.
_CODE_FOR_STATUS = {
    status.HTTP_400_BAD_REQUEST: "invalid",
    status.HTTP_401_UNAUTHORIZED: "not_authenticated",
    status.HTTP_403_FORBIDDEN: "permission_denied",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    status.HTTP_406_NOT_ACCEPTABLE: "not_acceptable",
    status.HTTP_409_CONFLICT: "conflict",
    status.HTTP_413_REQUEST_ENTITY_TOO_LARGE: "too_large",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
    status.HTTP_422_UNPROCESSABLE_ENTITY: "unprocessable",
    status.HTTP_429_TOO_MANY_REQUESTS: "throttled",
}


def error_body(
    code: str, message: Any, fields: dict[str, Any] | None = None, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The error envelope of the public contract; `details` appears only when there are some."""
    body: dict[str, Any] = {"code": code, "message": str(message), "fields": fields or {}}
    if details:
        body["details"] = details
    return {"error": body}


def _flatten(detail: Any) -> dict[str, list[str]]:
    """DRF's nested error detail as {"field": ["message"]}; nested paths joined with dots."""
    fields: dict[str, list[str]] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list):
            if all(not isinstance(item, dict | list) for item in value):
                fields.setdefault(prefix or "non_field_errors", []).extend(str(item) for item in value)
            else:
                for index, inner in enumerate(value):
                    walk(f"{prefix}.{index}" if prefix else str(index), inner)
        else:
            fields.setdefault(prefix or "non_field_errors", []).append(str(value))

    walk("", detail)
    return fields


def _authenticate_header(context: dict[str, Any]) -> str | None:
    view, request = context.get("view"), context.get("request")
    if view is None or request is None:
        return None
    return view.get_authenticate_header(request)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map ours, Django's and DRF's exceptions onto the envelope; anything else stays a 500."""
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        # One body for every credential failure: no hint whether a key exists, is revoked or expired.
        exc_401 = NotAuthenticated()
        response = Response(error_body(exc_401.code, exc_401.message), status=401)
        header = _authenticate_header(context)
        if header:
            response["WWW-Authenticate"] = header
        return response
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, exc.message, exc.fields, exc.details), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=fields)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None

    if isinstance(exc, exceptions.ValidationError):
        code, message, fields = "invalid", _("The request is not valid."), _flatten(exc.detail)
    elif isinstance(exc, exceptions.Throttled):
        # DRF builds its message from two strings, one of them never translated: say it in one piece.
        wait = int(exc.wait or 1)
        code, fields = "throttled", {}
        message = ngettext(
            "Too many requests. Try again in %(wait)d second.",
            "Too many requests. Try again in %(wait)d seconds.",
            wait,
        ) % {"wait": wait}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = _CODE_FOR_STATUS.get(response.status_code, "error")
        message, fields = (str(detail), {}) if not isinstance(detail, dict | list) else ("", _flatten(detail))
    response.data = error_body(code, message, fields)
    return response
