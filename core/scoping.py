"""Tenant scoping: one `restrict(caller)` per model, and nothing reaches a caller without it.

Every model a caller can reach gets a QuerySet subclassing ScopedQuerySet and implementing
`restrict(caller)`: back office sees all, a dealer's people and keys see their dealer's rows, a
partner sees what is assigned to it, anonymous sees nothing. Views, exports, admin lists and form
choices call `scoped(Model, caller)` (or `.restrict(caller)` on a queryset they have).
"Not yours" and "does not exist" are the same NotFound.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from core.callers import Caller
from core.errors import NotFound, PermissionDenied

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


class UnscopedQuerySet(TypeError):
    """A programming error: a queryset reached a caller without passing through `restrict()`."""


def is_scoped(queryset: Any) -> bool:
    """Whether `queryset` was narrowed to a caller by `scoped()` (clones keep the mark)."""
    return isinstance(queryset, ScopedQuerySet) and queryset._scoped_for is not None


def require_scoped(queryset: Any, where: str) -> Any:
    """Refuse (loudly: a bug, never a 404) a queryset that has not been scoped to a caller."""
    if isinstance(queryset, models.QuerySet) and not is_scoped(queryset):
        raise UnscopedQuerySet(
            f"{where}: {queryset.model.__name__} rows must pass through scoped(Model, caller) first"
        )
    return queryset


def get_scoped_or_404(model_or_queryset: Any, caller: Caller, **lookup: Any) -> Any:
    """One object the caller may see, or NotFound: never reveals that it exists elsewhere.

    A lookup value of the wrong shape (`pk="abc"`) is input, so NotFound too; anything else that
    goes wrong (a misspelt field, a wrong type from the code) is a bug and is raised as it is.
    """
    queryset = scoped(model_or_queryset, caller)
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, DjangoValidationError) as exc:
        raise NotFound() from exc


def selector(func: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a read as a selector: a queryset it returns must have been scoped to the caller."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return require_scoped(func(*args, **kwargs), func.__qualname__)

    return wrapper


OUT_OF_SCOPE = _("This change would put the object outside what you may see.")


def write_in_scope(caller: Caller, write: Callable[[], M]) -> M:
    """Run `write` and check, in the same transaction, that its object is still the caller's.

    NetBox's idea: a write that would move an object out of the caller's scope (another dealer's,
    a state the caller may not see) is refused and rolled back, whatever the service allowed.
    """
    with transaction.atomic():
        obj = write()
        if not scoped(type(obj), caller).filter(pk=obj.pk).exists():
            raise PermissionDenied(OUT_OF_SCOPE, code="out_of_scope")
    return obj
