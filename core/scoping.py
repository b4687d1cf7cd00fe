"""Tenant scoping: one `restrict(caller)` per model, and nothing reaches a caller without it.

Every model a caller can reach gets a QuerySet subclassing ScopedQuerySet and implementing
`restrict(caller)`: back office sees all, a dealer's people and keys see their dealer's rows, a
partner sees what is assigned to it, anonymous sees nothing. Views, exports, admin lists and form
choices call `scoped(Model, caller)` (or `.restrict(caller)` on a queryset they have).
"Not yours" and "does not exist" are the same NotFound.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from core.callers import Caller
from core.errors import NotFound

M = TypeVar("M", bound=models.Model)


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to narrow itself to what a caller may see."""

    # The caller this queryset was restricted for; kept by clones, so scoping twice is a no-op.
    _scoped_for: Caller | None = None

    def _clone(self):
        clone = super()._clone()
        clone._scoped_for = self._scoped_for
        return clone

    def restrict(self, caller: Caller) -> ScopedQuerySet:  # pragma: no cover - abstract
        raise NotImplementedError(f"{self.model.__name__} must define restrict(caller)")

    def for_back_office_only(self, caller: Caller) -> ScopedQuerySet:
        """The common rule for back-office-only data: staff see all, everyone else nothing."""
        return self if caller.is_back_office else self.none()


def scoped(model_or_queryset: type[M] | models.QuerySet, caller: Caller) -> models.QuerySet:
    """The rows of a model (or a narrower queryset) that `caller` may see."""
    queryset = (
        model_or_queryset
        if isinstance(model_or_queryset, models.QuerySet)
        else model_or_queryset._default_manager.all()
    )
    if not isinstance(queryset, ScopedQuerySet):
        raise TypeError(f"{queryset.model.__name__} has no scoped queryset: add one before exposing it")
    if queryset._scoped_for is caller:
        return queryset
    restricted = queryset.restrict(caller)._chain()  # a clone: never mark the caller's queryset
    restricted._scoped_for = caller
    return restricted


def get_scoped_or_404(model_or_queryset: Any, caller: Caller, **lookup: Any) -> Any:
    """One object the caller may see, or NotFound: never reveals that it exists elsewhere."""
    try:
        return scoped(model_or_queryset, caller).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
