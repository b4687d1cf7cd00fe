"""The one family of application errors; each carries a stable code and an HTTP status.

Services raise these; the API exception handler and the portal views turn them into the error
envelope of the public contract: {"error": {"code", "message", "fields"}}.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """Base of every error the product raises on purpose."""

    status_code = 400
    default_code = "invalid"
    default_message = _("The request is not valid.")

    def __init__(
        self,
        message: Any | None = None,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        self.code = code or self.default_code
        self.fields = fields or {}
        # Machine-readable specifics (e.g. each broken rule with its code); omitted when empty.
        self.details = details or []
        super().__init__(str(self.message))


class ValidationFailed(ApplicationError):
    """Input that breaks a rule (400)."""


class NotAuthenticated(ApplicationError):
    """No credentials, or credentials that are bad, revoked or expired (401)."""

    status_code = 401
    default_code = "not_authenticated"
    default_message = _("Authentication credentials were not provided or are not valid.")


class PermissionDenied(ApplicationError):
    """The object is the caller's to see, but the caller's role may not do this (403)."""

    status_code = 403
    default_code = "permission_denied"
    default_message = _("You do not have permission to perform this action.")


class NotFound(ApplicationError):
    """Does not exist, or is not the caller's: one and the same answer (404)."""

    status_code = 404
    default_code = "not_found"
    default_message = _("Not found.")


class Conflict(ApplicationError):
    """A move that the object's current state forbids (409)."""

    status_code = 409
    default_code = "conflict"
    default_message = _("This action is not allowed in the current state.")


class Unprocessable(ApplicationError):
    """Well-formed input that cannot be processed, e.g. a file that is not what it claims (422)."""

    status_code = 422
    default_code = "unprocessable"
    default_message = _("The request could not be processed.")
