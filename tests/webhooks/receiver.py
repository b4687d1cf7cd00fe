"""A real local webhook receiver for tests: http.server in a thread, answering from a script.

Each request takes the next answer of `script` (a status, or ("hang", seconds) to answer only
after the sender's timeout); when the script runs out it answers 200. It records every request
(headers, body) and applies each message once by its webhook-id (`effects`), as a receiver should.
"""

from __future__ import annotations

import contextlib
import http.server
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
class Receiver:
    url: str
    script: list = field(default_factory=list)
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    effects: list[str] = field(default_factory=list)


@contextlib.contextmanager
def webhook_receiver(script: list | None = None, path: str = "/hooks") -> Iterator[Receiver]:
    receiver = Receiver(url="", script=list(script or []))
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {key.lower(): value for key, value in self.headers.items()}
            with lock:
                receiver.requests.append((headers, body))
                answer = receiver.script.pop(0) if receiver.script else 200
            if isinstance(answer, tuple):
                time.sleep(answer[1])
                answer = 503  # too late: the sender has given up
            if answer == 200:
                with lock:
                    if headers.get("webhook-id") not in receiver.effects:
                        receiver.effects.append(headers.get("webhook-id"))
            text = b'{"ok": true}' if answer == 200 else b"receiver error"
            try:
                self.send_response(answer)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender gave up (the timeout case)

        def log_message(self, format, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
