"""Rendered JSON bodies kept in this process, keyed by a data version and the request.

For reads of data that changes rarely and looks the same to many callers (the catalog): the key
carries a version stamp read from the shared cache on every request, so a change anywhere makes
every entry stale at once, in every process. Entries are bounded (least recently used first out).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.http import HttpResponse
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response


class ResponseCache:
    """A small LRU of rendered 200 responses; with `max_age`, an entry older than that is rebuilt."""

    def __init__(self, max_entries: int = 256, max_age: float | None = None) -> None:
        self.max_entries = max_entries
        self.max_age = max_age
        self._entries: OrderedDict[Hashable, tuple[bytes, float]] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def respond(self, key: Hashable | None, build: Callable[[], Response]) -> HttpResponse | Response:
        """The cached body for `key`, or build, render and keep it (only when it is a 200).

        A None key builds without caching (e.g. while the data's version cannot be read).
        """
        if key is None:
            return build()
        now = time.monotonic()
        body = None
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                if self.max_age is not None and now - entry[1] > self.max_age:
                    del self._entries[key]
                else:
                    body = entry[0]
                    self._entries.move_to_end(key)
        if body is None:
            response = build()
            if response.status_code != 200:
                return response
            body = JSONRenderer().render(response.data)
            with self._lock:
                self._entries[key] = (body, now)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return HttpResponse(body, content_type="application/json")
