"""Midnight in Japan passing while a request runs: code that reads "today" twice sees two dates.

- `crossing_midnight(day)` installs a clock that stands one second before midnight at the end of
  `day` (Japan time) and moves one second on at every reading: the first reading is `day`, every
  later one the day after. For portal pages, where the view is the first to read the clock.
- `today_changes_after_first_reading(monkeypatch, day)`: the first `core.clock.today_jst()` is
  `day`, later ones the day after. For API requests, where rate-limit windows read the clock
  (`timestamp()`) before the view, so a ticking clock cannot say which reading is the view's.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from core import clock as core_clock
from core.clock import JST


class TickingClock:
    """Moves `step` on at every reading."""

    def __init__(self, at: dt.datetime, step: dt.timedelta = dt.timedelta(seconds=1)) -> None:
        self._at = at.astimezone(dt.UTC)
        self._step = step
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        with self._lock:
            at = self._at
            self._at += self._step
            return at


def last_second_of(day: dt.date) -> dt.datetime:
    """23:59:59 in Japan on `day`."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=JST) - dt.timedelta(seconds=1)


@contextmanager
def crossing_midnight(day: dt.date) -> Iterator[TickingClock]:
    ticking = TickingClock(last_second_of(day))
    previous = core_clock.install(ticking)
    try:
        yield ticking
    finally:
        core_clock.install(previous)


@contextmanager
def today_changes_after_first_reading(monkeypatch, day: dt.date) -> Iterator[list[dt.date]]:
    """Within the block, the first `core.clock.today_jst()` is `day`, every later one the next day.

    Yields the dates handed out, one per reading.
    """
    handed_out: list[dt.date] = []

    def today_jst() -> dt.date:
        handed_out.append(day if not handed_out else day + dt.timedelta(days=1))
        return handed_out[-1]

    with monkeypatch.context() as patch:
        patch.setattr(core_clock, "today_jst", today_jst)
        yield handed_out
