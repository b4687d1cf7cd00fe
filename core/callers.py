"""The caller of a request: a signed-in user, a dealer integration key or a partner key."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language

from core.roles import BACK_OFFICE_GROUPS as BACK_OFFICE_ROLES


def user_roles(user) -> list[str]:
    """Back-office roles of a user, from their groups; `admin` for superusers."""
    if not user.is_authenticated:
        return []
    roles = [name for name in user.groups.values_list("name", flat=True) if name in BACK_OFFICE_ROLES]
    if user.is_superuser:
        roles.append("admin")
    return sorted(roles)


def caller_summary(request) -> dict[str, Any]:
    """What GET /api/v1/me/ answers for this request."""
    user = request.user
    return {
        "kind": "user",
        "username": user.get_username(),
        "display_name": user.get_full_name() or user.get_username(),
        "dealer": None,
        "partner": None,
        "roles": user_roles(user),
        "is_staff": user.is_staff,
        "language": get_language(),
    }
