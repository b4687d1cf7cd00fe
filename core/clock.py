"""The one clock. Every service, selector, view and task that needs the time or today's date asks here.

`now()` is an aware datetime in UTC; `today_jst()` is the calendar date in Japan, which is what
prices, FX rates, tax rules, quotas and deadlines are dated by. Nothing else in the product reads
the wall clock (`timezone.now()`, `datetime.now()`, `date.today()`, `time.time()`): model
timestamps (`ClockDateTimeField`), history rows and key expiry read this clock too.

Tests pin it (`tests/clock.py`); a whole test run can be moved by a number of days
(`CLOCK_SHIFT_DAYS`, test settings only) to prove that nothing depends on the date it runs on.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")


class Clock(Protocol):
    """Anything that tells the time."""

    def now(self) -> dt.datetime: ...


class SystemClock:
    """The machine's clock, optionally moved by a fixed offset (test runs only)."""

    def __init__(self, offset: dt.timedelta = dt.timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset


class FrozenClock:
    """A clock that stands still until told to move: what tests pin."""

    def __init__(self, at: dt.datetime) -> None:
        self._lock = threading.Lock()
        self._at = _aware_utc(at)

    def now(self) -> dt.datetime:
        with self._lock:
            return self._at

    def set(self, at: dt.datetime) -> None:
        """Jump to `at` (aware)."""
        with self._lock:
            self._at = _aware_utc(at)

    def advance(self, delta: dt.timedelta | None = None, **kwargs: float) -> dt.datetime:
        """Move forward by `delta` (or timedelta(**kwargs)); returns the new time."""
        step = delta if delta is not None else dt.timedelta(**kwargs)
        with self._lock:
            self._at = self._at + step
            return self._at


def _aware_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("The clock keeps aware times only")
    return value.astimezone(dt.UTC)


_clock: Clock = SystemClock()


def now() -> dt.datetime:
    """The current time, aware, in UTC."""
    return _clock.now()


def today_jst() -> dt.date:
    """Today's date in Japan."""
    return _clock.now().astimezone(JST).date()


def timestamp() -> float:
    """The current time as seconds since the epoch (rate-limit windows count on it)."""
    return _clock.now().timestamp()


def to_jst(value: dt.datetime) -> dt.datetime:
    """An aware time as Japan time, for display."""
    return value.astimezone(JST)


def current() -> Clock:
    """The clock in use."""
    return _clock


def install(clock: Clock) -> Clock:
    """Make `clock` the one clock; returns the one it replaced (tests and app start-up only)."""
    global _clock
    previous, _clock = _clock, clock
    return previous


@contextmanager
def pinned(at: dt.datetime) -> Iterator[FrozenClock]:
    """Within the block, the clock stands at `at` (and moves only when told)."""
    frozen = FrozenClock(at)
    previous = install(frozen)
    try:
        yield frozen
    finally:
        install(previous)
