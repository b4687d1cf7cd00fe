"""The clock every test runs on: pinned, and movable as a whole run.

Each test starts with the one clock (`core.clock`) frozen at the run's instant: the moment the run
started, moved by `CLOCK_SHIFT_DAYS` days (CI runs the suite a year ahead and a year behind as well),
or exactly `CLOCK_AT` (an ISO 8601 time with offset, to try an edge such as midnight in Japan or the
end of the fiscal year). A test that needs time to pass says so: `clock.advance(minutes=6)`.
Factories and fixtures date their rows from `clock.today_jst()`, never from a literal "today".
"""

from __future__ import annotations

import datetime as dt
import os

from core import clock as core_clock


def run_instant() -> dt.datetime:
    """The instant this test run pins its clock to."""
    fixed = os.environ.get("CLOCK_AT", "").strip()
    if fixed:
        at = dt.datetime.fromisoformat(fixed)
        if at.tzinfo is None:
            raise ValueError("CLOCK_AT needs an offset, e.g. 2027-03-31T23:59:00+09:00")
        return at.astimezone(dt.UTC)
    shift = int(os.environ.get("CLOCK_SHIFT_DAYS", "0") or 0)
    return dt.datetime.now(dt.UTC) + dt.timedelta(days=shift)


RUN_INSTANT = run_instant()


def today() -> dt.date:
    """Today in Japan on the test clock (the date services see)."""
    return core_clock.today_jst()


def days_ago(days: int) -> dt.date:
    return today() - dt.timedelta(days=days)


def days_ahead(days: int) -> dt.date:
    return today() + dt.timedelta(days=days)
