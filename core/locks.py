"""Row locks, the one way: evaluated, ordered by primary key, `FOR NO KEY UPDATE OF` the row itself.

Every app has a `locks.py` whose helpers call `lock_rows`, and takes its locks in the order that
module states, so two transactions never wait on each other in opposite orders. A lazy queryset
locks nothing: these helpers evaluate it. On SQLite `select_for_update` does nothing; the embedded
default's IMMEDIATE transactions serialise writers instead.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import models, transaction

M = TypeVar("M", bound=models.Model)


def lock_rows(queryset: models.QuerySet[M]) -> list[M]:
    """Lock and return the rows of `queryset`, in primary-key order. Inside a transaction only."""
    if not transaction.get_connection(queryset.db).in_atomic_block:
        raise RuntimeError("Row locks are taken inside transaction.atomic()")
    return list(queryset.order_by("pk").select_for_update(of=("self",), no_key=True))


def lock_one(queryset: models.QuerySet[M], pk) -> M:
    """Lock one row by primary key; DoesNotExist if it is gone."""
    rows = lock_rows(queryset.filter(pk=pk))
    if not rows:
        raise queryset.model.DoesNotExist(f"{queryset.model.__name__} {pk} does not exist")
    return rows[0]
