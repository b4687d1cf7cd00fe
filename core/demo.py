"""Demo data: a registry of seeders that each app fills from its own `demo` module.

`manage.py seed_demo` imports every installed app's `demo` module, then runs the registered
seeders in ascending `order`. A seeder takes the shared DemoResult, adds what it created, and must
be idempotent: a second run updates the same rows and creates no duplicates.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group


@dataclass
class DemoResult:
    """What the demo seeding created, in the shape `seed_demo --json` prints."""

    users: list[dict[str, Any]] = field(default_factory=list)
    api_keys: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"users": self.users, "api_keys": self.api_keys}


Seeder = Callable[[DemoResult], None]
_SEEDERS: list[tuple[int, str, Seeder]] = []


def register(order: int) -> Callable[[Seeder], Seeder]:
    """Register a seeder; lower `order` runs first (core 10, catalog 20, importorders 30, ...)."""

    def decorator(func: Seeder) -> Seeder:
        name = f"{func.__module__}.{func.__qualname__}"
        if name not in {registered for _, registered, _ in _SEEDERS}:
            _SEEDERS.append((order, name, func))
        return func

    return decorator


def seeders() -> list[Seeder]:
    """Registered seeders in the order they run."""
    return [func for _, _, func in sorted(_SEEDERS, key=lambda item: (item[0], item[1]))]


def fresh_password() -> str:
    """A new random password for a demo account (a rerun issues new ones)."""
    return secrets.token_urlsafe(12)


def demo_user(
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    is_staff: bool = False,
    is_superuser: bool = False,
    groups: tuple[str, ...] = (),
) -> tuple[Any, str]:
    """Create or update a demo user with a fresh password; returns (user, password)."""
    user_model = get_user_model()
    user, _ = user_model.objects.update_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "is_staff": is_staff or is_superuser,
            "is_superuser": is_superuser,
            "is_active": True,
        },
    )
    password = fresh_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    if groups:
        user.groups.set(Group.objects.filter(name__in=groups))
    return user, password


@register(order=10)
def seed_back_office(result: DemoResult) -> None:
    """Back-office accounts: one operations user, one compliance user, one admin."""
    from core.roles import COMPLIANCE, OPERATIONS, back_office_groups_ensure

    back_office_groups_ensure()
    accounts = (
        ("ops", "Haruto", "Sato", OPERATIONS, False, "operations"),
        ("compliance", "Yui", "Suzuki", COMPLIANCE, False, "compliance"),
        ("admin", "Admin", "User", None, True, "admin"),
    )
    for username, first, last, group, superuser, role in accounts:
        _, password = demo_user(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@importer.example.jp",
            is_staff=True,
            is_superuser=superuser,
            groups=(group,) if group else (),
        )
        result.users.append({"username": username, "password": password, "role": role, "dealer": None})
