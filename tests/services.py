"""Tests that need a service skip only outside CI; in CI a missing service is a failure."""

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(name: str, *, available: bool, how: str) -> None:
    """Skip (locally) or fail (in CI) when `name` is not available."""
    if available:
        return
    message = f"{name} is not available: {how}"
    if in_ci():
        pytest.fail(f"CI requires {message}", pytrace=False)
    pytest.skip(message)
