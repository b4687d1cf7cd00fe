"""API throughput as a ratio of /healthz, both measured in the same run.

Starts gunicorn (2 sync workers, production settings, DEBUG off) against PostgreSQL and Redis,
loads the demo data, then drives each endpoint with wrk (2 threads, 16 connections) and divides
its requests/s by that of /healthz measured around it. Absolute numbers depend on the machine;
the ratio is what the targets in docs/benchmarks.md are about. Never part of the test run.

    make bench                                   # default endpoints
    .venv/bin/python bench/run.py --endpoint /api/v1/catalog/trims/@0.5 --duration 10

Needs: wrk (apt-get install wrk), PostgreSQL (DATABASE_URL, default a local `importorders_bench`
database), Redis (REDIS_URL, default redis://127.0.0.1:6379/15).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/importorders_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
DEFAULT_ENDPOINTS = [
    "/api/v1/catalog/trims/@0.5",
    "/api/v1/catalog/trims/?model=CAMRY",
    "/api/v1/catalog/trims/CAMRY-26-SE/",
    "/api/v1/catalog/models/",
    "/api/v1/me/",
    "/api/v1/dealers/",
]
FLOOR = "/healthz"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_database(url: str) -> None:
    """Create the benchmark database if it does not exist."""
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def recreate_database(url: str) -> None:
    """Drop the benchmark database (it is the benchmark's alone) and create it empty."""
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def bench_env(database_url: str, redis_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        EMAIL_URL="consolemail://",  # production settings require one; the benchmark sends none
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=f"bench-{os.getpid()}",
        LOG_LEVEL="WARNING",
        # The benchmark measures serving, not throttling: budgets far above what wrk can send.
        API_THROTTLE_USER="100000000/second",
        API_THROTTLE_DEALER_KEY="100000000/second",
        API_THROTTLE_PARTNER_KEY="100000000/second",
        API_THROTTLE_ANONYMOUS="100000000/second",
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:  # refused, reset or timed out while gunicorn boots
            time.sleep(0.3)
    sys.exit(f"gunicorn did not come up at {url}")


def status_of(url: str, headers: dict[str, str], method: str = "GET") -> int:
    request = urllib.request.Request(url, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@dataclass(frozen=True)
class WrkRun:
    rate: float  # requests per second
    requests: int  # completed in the run
    output: str


def wrk(
    url: str,
    headers: dict[str, str],
    duration: int,
    connections: int,
    *,
    script: Path | None = None,
    script_args: tuple[str, ...] = (),
) -> WrkRun:
    """One wrk run (2 threads); refuses a run in which any response was not 2xx.

    `script` is a wrk Lua script (e.g. bench/lua/post_each.lua), `script_args` what follows `--`.
    """
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        sys.exit(f"{url}: {errors.group(1)} responses were not 2xx during the run:\n{output}")
    return WrkRun(
        rate=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        requests=int(re.search(r"(\d+) requests in", output).group(1)),
        output=output,
    )


def prepare(database_url: str, redis_url: str) -> tuple[dict[str, str], dict]:
    """The benchmark database migrated and seeded with the demo data: (environment, seed_demo's JSON)."""
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    ensure_database(database_url)
    env = bench_env(database_url, redis_url)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")
    return env, json.loads(manage(env, "seed_demo", "--json", "--force"))


def dealer_headers(seeded: dict) -> dict[str, str]:
    """The demo dealer integration key (TKY001), as every dealer-key measurement sends it."""
    dealer_key = next(k["key"] for k in seeded["api_keys"] if k["kind"] == "dealer")
    return {"Authorization": f"Api-Key {dealer_key}", "Accept-Language": "ja"}


@contextmanager
def serving(env: dict[str, str], workers: int) -> Iterator[str]:
    """gunicorn (sync workers, production settings) on a free port: yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(base + FLOOR)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def ratio_of(
    label: str,
    run: Callable[[int], WrkRun],
    *,
    base: str,
    rounds: int,
    duration: int,
    connections: int,
    target: float | None = None,
) -> dict:
    """`run(seconds)` alternated with /healthz `rounds` times after a 2-second warm-up: the medians' ratio."""
    run(2)  # warm caches and connections
    floors, rates = [], []
    for _ in range(rounds):
        floors.append(wrk(base + FLOOR, {}, duration, connections).rate)
        rates.append(run(duration).rate)
    floor, rate = statistics.median(floors), statistics.median(rates)
    return {
        "endpoint": label,
        "requests_per_s": round(rate),
        "healthz_requests_per_s": round(floor),
        "ratio": round(rate / floor, 3),
        "target": target,
    }


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument(
        "--rounds", type=int, default=3, help="floor/endpoint alternations; the median counts"
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")


def report(results: list[dict], as_json: bool) -> None:
    """The results as a table (or JSON); exits 1 when a target was missed."""
    if as_json:
        print(json.dumps({"results": results}, indent=2))
    else:
        width = max([34, *(len(row["endpoint"]) + 1 for row in results)])
        print(f"{'endpoint':<{width}} {'req/s':>8} {'healthz':>8} {'ratio':>6} {'target':>6}")
        for row in results:
            if "skipped" in row:
                print(f"{row['endpoint']:<{width}} skipped: {row['skipped']}")
                continue
            target = f"{row['target']:.2f}" if row["target"] is not None else "-"
            print(
                f"{row['endpoint']:<{width}} {row['requests_per_s']:>8} "
                f"{row['healthz_requests_per_s']:>8} {row['ratio']:>6.3f} {target:>6}"
            )
    missed = [r for r in results if r.get("target") and r["ratio"] < r["target"]]
    if missed:
        sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--endpoint",
        action="append",
        help="PATH or PATH@TARGET_RATIO (repeatable), e.g. /api/v1/catalog/trims/@0.5",
    )
    add_common_arguments(parser)
    args = parser.parse_args()

    env, seeded = prepare(
        os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL,
    )
    headers = dealer_headers(seeded)
    results = []
    with serving(env, args.workers) as base:
        for spec in args.endpoint or DEFAULT_ENDPOINTS:
            path, _, target = spec.rpartition("@") if "@" in spec else (spec, "", "")
            status = status_of(base + path, headers)
            if status != 200:
                results.append({"endpoint": path, "skipped": f"answers {status}"})
                continue
            results.append(
                ratio_of(
                    path,
                    lambda seconds, path=path: wrk(base + path, headers, seconds, args.connections),
                    base=base,
                    rounds=args.rounds,
                    duration=args.duration,
                    connections=args.connections,
                    target=float(target) if target else None,
                )
            )
    report(results, args.json)


if __name__ == "__main__":
    main()
