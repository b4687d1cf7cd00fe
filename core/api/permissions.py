"""Permission classes over the Caller: who may call an endpoint at all, and who may change things."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from core.callers import get_caller


class IsAuthenticatedCaller(BasePermission):
    """Any authenticated caller: a user with a session, a dealer key or a partner key."""

    def has_permission(self, request, view) -> bool:
        return get_caller(request).is_authenticated
