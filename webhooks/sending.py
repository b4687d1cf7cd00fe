"""One POST of a webhook to the address the guard resolved: no redirects, short timeouts."""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from webhooks.guard import UnsafeTarget, target_resolve

EXCERPT_BYTES = 2000


@dataclass(frozen=True)
class Outcome:
    """What one request got: a status (None when no answer came) and what went wrong."""

    status: int | None
    excerpt: str
    duration_ms: int
    error: str = ""


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to a given address; the Host header stays the URL's host."""

    def __init__(self, host: str, port: int, *, address: str, connect_timeout: float, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address, self._connect_timeout = address, connect_timeout

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), timeout=self._connect_timeout)
        self.sock.settimeout(self.timeout)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    """The same over TLS, with the URL's host as SNI and for the certificate check."""

    default_port = 443

    def connect(self) -> None:
        super().connect()
        self.sock = ssl.create_default_context().wrap_socket(self.sock, server_hostname=self.host)


def post(url: str, *, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST `body` to `url` once; the guard's refusal, a timeout or a connection error is an Outcome."""
    started = time.monotonic()
    connect_timeout = settings.WEBHOOKS_CONNECT_TIMEOUT
    total = settings.WEBHOOKS_TOTAL_TIMEOUT

    def elapsed_ms() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        scheme, host, port, address = target_resolve(url)
    except UnsafeTarget as exc:  # the guard's refusal, recorded on the attempt with its reason
        # The reason is a code (`private`, `unresolvable`, `scheme`...): the log reads the same
        # whatever language the worker's message is in.
        reason = next((d.get("reason") for d in exc.details or () if d.get("reason")), "refused")
        message = str(getattr(exc, "message", exc))
        return Outcome(None, "", elapsed_ms(), error=f"url_refused ({reason}): {message}"[:300])
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = cls(host, port, address=address, connect_timeout=connect_timeout, timeout=total)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = b""
        while len(excerpt) < EXCERPT_BYTES and time.monotonic() - started < total:
            chunk = response.read(EXCERPT_BYTES - len(excerpt))
            if not chunk:
                break
            excerpt += chunk
        return Outcome(response.status, excerpt.decode(errors="replace"), elapsed_ms())
    except TimeoutError:
        return Outcome(None, "", elapsed_ms(), error="timeout")
    except (OSError, http.client.HTTPException) as exc:
        return Outcome(None, "", elapsed_ms(), error=f"{type(exc).__name__}: {exc}"[:300])
    finally:
        connection.close()
