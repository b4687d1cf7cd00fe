"""Real servers for tests that need the whole stack: the Procfile's gunicorn, and a dead dependency.

`gunicorn_server(**env)` starts the Procfile's `web` command (so its options are the ones under
test) in a subprocess on a free port, with the test settings and the given environment, waits for
`/healthz` and always stops it. `blackhole()` is a TCP server that accepts connections and never
answers, like a dependency whose host is up but whose service hangs. `fixture_http_server(routes)`
is a real HTTP server serving fixed answers (an FX source's published files, its error pages).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30.0


def free_port() -> int:
    """A TCP port nothing listens on right now (so connecting to it is refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def procfile_command(process: str = "web") -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if name.strip() == process:
            return command.strip()
    raise LookupError(f"no {process!r} process in the Procfile")


@dataclass(frozen=True)
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float

    def json(self):
        import json

        return json.loads(self.body)


@dataclass(frozen=True)
class Server:
    port: int

    def get(self, path: str, headers: dict[str, str] | None = None, timeout: float = 60.0) -> Answer:
        """GET `path`; `seconds` is how long the whole answer took."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        started = time.monotonic()
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        return Answer(response.status, response.headers, body, time.monotonic() - started)


@contextlib.contextmanager
def gunicorn_server(**env: str) -> Iterator[Server]:
    """The Procfile's web process with one worker on the test settings, plus `env`."""
    port = free_port()
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL"} and not key.startswith("DJANGO_")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{environment.get('PATH', '')}",
        PORT=str(port),
        WEB_CONCURRENCY="1",
        **env,
    )
    with tempfile.TemporaryFile() as log:
        # Through a shell, as honcho runs it (the Procfile uses ${PORT:-8000}); exec keeps one pid.
        process = subprocess.Popen(
            ["bash", "-c", f"exec {procfile_command('web')}"],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the workers are stopped with it
        )

        def output() -> str:
            log.seek(0)
            return log.read().decode(errors="replace")[-5000:]

        try:
            server = Server(port)
            _wait_until_serving(server, process, output)
            yield server
        finally:
            _stop(process)
            if os.environ.get("SHOW_SERVER_LOG"):
                print(output())


def _wait_until_serving(server: Server, process: subprocess.Popen, output) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{output()}")
        with contextlib.suppress(OSError):
            if server.get("/healthz", timeout=2).status == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not serve /healthz within {START_TIMEOUT:.0f} s:\n{output()}")


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the group it started (gunicorn's master and its workers), SIGKILL if it lingers."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextlib.contextmanager
def blackhole() -> Iterator[int]:
    """A port that accepts TCP connections and never sends a byte; yields the port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(0.1)  # the accepting thread looks at `stopping` ten times a second
    accepted: list[socket.socket] = []
    stopping = threading.Event()

    def accept() -> None:
        while not stopping.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            accepted.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stopping.set()
        thread.join(timeout=2)
        listener.close()
        for connection in accepted:
            connection.close()


@dataclass(frozen=True)
class Route:
    """What the fixture HTTP server answers on one path."""

    body: bytes
    content_type: str = "text/csv"
    status: int = 200
    delay: float = 0.0  # seconds to wait before answering (a slow source)


@contextlib.contextmanager
def fixture_http_server(routes: dict[str, Route], hits: dict[str, int] | None = None) -> Iterator[str]:
    """A real HTTP server on loopback (http.server in a thread) answering `routes`; yields its base URL.

    `routes` may be changed while it runs (a source that publishes a new table). Unknown paths 404.
    `hits`, when given, counts the requests per path.
    """
    import http.server

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if hits is not None:
                hits[self.path] = hits.get(self.path, 0) + 1
            route = routes.get(self.path) or Route(b"<html><body>Not Found</body></html>", "text/html", 404)
            if route.delay:
                time.sleep(route.delay)
            try:
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        def log_message(self, format, *args) -> None:  # quiet: the test output is the assertions
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
