"""Query-count helpers: every list and detail asserts an exact count that does not grow with rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext


def _describe(captured: CaptureQueriesContext) -> str:
    return "\n".join(f"{i}. {q['sql']}" for i, q in enumerate(captured.captured_queries, start=1))


@contextmanager
def assert_query_count(expected: int, *, using: str = DEFAULT_DB_ALIAS) -> Iterator[CaptureQueriesContext]:
    """Assert that the block runs exactly `expected` queries; lists them when it does not."""
    with CaptureQueriesContext(connections[using]) as captured:
        yield captured
    actual = len(captured)
    assert actual == expected, f"expected {expected} queries, ran {actual}:\n{_describe(captured)}"


def count_queries(action: Callable[[], object], *, using: str = DEFAULT_DB_ALIAS) -> int:
    """How many queries `action` runs."""
    with CaptureQueriesContext(connections[using]) as captured:
        action()
    return len(captured)


def assert_constant_queries(
    action: Callable[[], object],
    add_rows: Callable[[int], object],
    *,
    expected: int,
    few: int = 1,
    many: int = 20,
    warm: bool = False,
) -> None:
    """Run `action` with `few` rows, then with `many`: both must run exactly `expected` queries.

    `warm` runs it once first, unmeasured: for pages whose first request of the day fills a cache
    (the exchange-rate notice for operations), so the count is that of every later request.
    """
    add_rows(few)
    if warm:
        action()
    with assert_query_count(expected):
        action()
    add_rows(many - few)
    with assert_query_count(expected):
        action()
