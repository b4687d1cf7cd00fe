"""Template context shared by every portal page."""

from django.utils.functional import SimpleLazyObject

from core.callers import get_caller


def caller(request) -> dict:
    """`caller`: who is signed in, their dealer or back office, and role (resolved on first use)."""
    return {"caller": SimpleLazyObject(lambda: get_caller(request))}
