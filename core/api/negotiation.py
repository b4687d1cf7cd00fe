"""Content negotiation that remembers its answers.

DRF parses the Accept header and matches it against every renderer on each request, though the
answer depends only on the header, the `?format=` override and the renderers' classes: a few
distinct values in practice (most clients send none, `*/*` or `application/json`). The answers are
kept per process for up to MAX_ENTRIES distinct inputs of at most MAX_HEADER characters; anything
beyond that (headers are the client's to choose) is negotiated afresh and never remembered.
"""

from __future__ import annotations

import threading

from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation

MAX_ENTRIES = 256
MAX_HEADER = 200

_NOT_ACCEPTABLE = object()


class RememberingContentNegotiation(DefaultContentNegotiation):
    _answers: dict[tuple, tuple[int, str] | object] = {}
    _lock = threading.Lock()

    def select_renderer(self, request, renderers, format_suffix=None):
        format_ = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        accept = request.META.get("HTTP_ACCEPT", "*/*")
        if len(accept) > MAX_HEADER or (format_ and len(format_) > MAX_HEADER):
            return super().select_renderer(request, renderers, format_suffix)
        key = (accept, format_, tuple(type(r) for r in renderers))
        answer = self._answers.get(key)
        if answer is None:
            try:
                renderer, media_type = super().select_renderer(request, renderers, format_suffix)
            except exceptions.NotAcceptable:
                answer = _NOT_ACCEPTABLE
            else:
                answer = (renderers.index(renderer), media_type)
            with self._lock:
                if len(self._answers) < MAX_ENTRIES:
                    self._answers[key] = answer
        if answer is _NOT_ACCEPTABLE:
            raise exceptions.NotAcceptable(available_renderers=renderers)
        index, media_type = answer
        return renderers[index], media_type
