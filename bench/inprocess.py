"""Requests served in this process through Django's WSGIHandler (production settings), no HTTP.

For timings that HTTP and gunicorn would blur (bench/volume.py's p95) and for profiles:

    .venv/bin/python bench/inprocess.py profile /api/v1/orders/ -n 500    # cProfile, dealer key
    .venv/bin/python bench/inprocess.py time /api/v1/orders/ -n 500       # mean and p95, ms

against the database bench/orders.py last filled (DATABASE_URL, default importorders_bench). The
key used is a fresh integration key of TKY001 (`--dealer` for another), issued here.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
import urllib.parse
from collections.abc import Callable

from run import DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, ROOT, bench_env


def django_setup(database_url: str, redis_url: str) -> None:
    """Django with the benchmark's production settings, in this process."""
    os.environ.update(bench_env(database_url, redis_url))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


class Client:
    """Calls the WSGI handler with a hand-made environ, as gunicorn would hand it over."""

    def __init__(self, headers: dict[str, str]) -> None:
        from django.core.handlers.wsgi import WSGIHandler

        self.handler = WSGIHandler()
        self.headers = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}

    def get(self, url: str) -> tuple[int, bytes]:
        return self.call("GET", url)

    def post(self, url: str, body: bytes = b"") -> tuple[int, bytes]:
        return self.call("POST", url, body, content_type="application/json")

    def call(self, method: str, url: str, body: bytes = b"", content_type: str = "") -> tuple[int, bytes]:
        path, _, query = url.partition("?")
        environ = {
            "REQUEST_METHOD": method,
            "CONTENT_TYPE": content_type,
            "CONTENT_LENGTH": str(len(body)),
            "PATH_INFO": urllib.parse.unquote(path),
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            **self.headers,
        }
        answer = {}

        def start_response(status: str, headers, exc_info=None):
            answer["status"] = int(status.split()[0])

        chunks = self.handler(environ, start_response)
        try:
            body = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
        return answer["status"], body


def timings(call: Callable[[], object], n: int, warm: int = 20) -> list[float]:
    """Seconds per call, `n` calls after `warm` untimed ones."""
    for _ in range(warm):
        call()
    times = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1]


def dealer_key(code: str) -> str:
    """A fresh integration key of the dealer `code`."""
    from core.actors import Actor
    from importorders.models import Dealer
    from importorders.services.keys import dealer_key_issue

    _, key = dealer_key_issue(dealer=Dealer.objects.get(code=code), name="bench", actor=Actor.system("bench"))
    return key


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["profile", "time"])
    parser.add_argument("path")
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("--dealer", default="TKY001")
    parser.add_argument("--top", type=int, default=40, help="profile lines shown")
    args = parser.parse_args()
    django_setup(
        os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL,
    )
    client = Client({"Authorization": f"Api-Key {dealer_key(args.dealer)}", "Accept-Language": "ja"})
    status, body = client.get(args.path)
    if status != 200:
        sys.exit(f"{args.path} answers {status}: {body[:300]!r}")
    health = Client({})
    floor = statistics.mean(timings(lambda: health.get("/healthz"), args.n))
    if args.command == "time":
        times = timings(lambda: client.get(args.path), args.n)
        print(
            f"{args.path}: mean {statistics.mean(times) * 1000:.2f} ms, p95 {p95(times) * 1000:.2f} ms; "
            f"/healthz mean {floor * 1000:.2f} ms"
        )
        return
    timings(lambda: client.get(args.path), 20, warm=0)
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.n):
        client.get(args.path)
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(args.top)
    print(out.getvalue())
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
