"""Partner events: accepted (POST partner/events/, 1,000 events a request) as a ratio of /healthz,
and accepted *and applied* end to end by a real Celery worker, beside a plain bulk insert of the same
rows, all measured in the same run (see bench/run.py).

Each request is a batch of 1,000 new events (estimates of the demo vehicles' milestones, unique
event IDs, so nothing is a duplicate) with the demo partner key of PACRORO, sent once each
(bench/lua/post_each.lua). It measures what the partner waits for: reading, validating and storing
the batch in the inbox in one transaction. Applying them is the worker's (not running here: the
apply tasks wait in Redis). The report also gives the events accepted per second.

    .venv/bin/python bench/partner_events.py
    .venv/bin/python bench/partner_events.py --duration 5 --rounds 1

Needs what bench/run.py needs. Never part of the test run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import psycopg
from orders import Pool
from psycopg.types.json import Jsonb
from run import (
    BIN,
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    ROOT,
    add_common_arguments,
    prepare,
    ratio_of,
    recreate_database,
    report,
    serving,
)

BATCH = 1000
PATH = "/api/v1/partner/events/"
CODES = ("loaded", "vessel_departed", "vessel_arrived", "discharged", "delivered_to_dealer")


def partner_headers(seeded: dict) -> dict[str, str]:
    key = next(k["key"] for k in seeded["api_keys"] if k["kind"] == "partner" and k["owner"] == "PACRORO")
    return {"Authorization": f"Api-Key {key}", "Content-Type": "application/json", "Accept-Language": "ja"}


def partner_vins(base: str, headers: dict[str, str]) -> list[str]:
    request = urllib.request.Request(base + "/api/v1/partner/shipments/", headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        body = json.load(response)
    return [vin for shipment in body["results"] for vin in shipment["vehicles"]]


def batch_lines(vins: list[str], batches: int, run_tag: str, prefix: str = "bench") -> list[str]:
    """`batches` request lines, each a batch of BATCH estimates no request repeats."""
    start = dt.datetime.now(dt.UTC).replace(microsecond=0)
    lines = []
    for number in range(batches):
        events = [
            {
                "event_id": f"{prefix}-{run_tag}-{number}-{index}",
                "vin": vins[index % len(vins)],
                "code": CODES[index % len(CODES)],
                "classifier": "EST",
                "occurred_at": (start + dt.timedelta(days=10, minutes=index)).isoformat(),
                "reported_at": (start + dt.timedelta(seconds=number)).isoformat(),
                "location": "JPMKW",
            }
            for index in range(BATCH)
        ]
        body = json.dumps(
            {"vocabulary": "canonical", "version": "1", "events": events}, separators=(",", ":")
        )
        lines.append(f"{PATH}\t{body}\n")
    return lines


def send(base: str, headers: dict[str, str], line: str) -> None:
    path, body = line.rstrip("\n").split("\t", 1)
    request = urllib.request.Request(base + path, data=body.encode(), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=120) as response:
        answer = json.load(response)
    if response.status != 202 or answer["accepted"] != BATCH:
        raise SystemExit(f"a batch was not accepted whole: {response.status} {answer}")


@contextmanager
def working(env: dict[str, str]) -> Iterator[None]:
    """The product's Celery worker (prefork, 2 processes), as the Procfile starts it."""
    worker = subprocess.Popen(
        [str(BIN / "celery"), "-A", "config.celery_app", "worker", "--concurrency=2", "--loglevel=WARNING"],
        cwd=ROOT,
        env=env,
    )
    try:
        time.sleep(4)  # its processes up and listening before the first batch
        if worker.poll() is not None:
            raise SystemExit("the worker did not start")
        yield
    finally:
        worker.terminate()
        worker.wait(timeout=60)


def unapplied(database_url: str, run_tag: str) -> int:
    with psycopg.connect(database_url, autocommit=True) as conn:
        return conn.execute(
            "SELECT count(*) FROM importorders_partnerevent WHERE applied_at IS NULL AND event_id LIKE %s",
            (f"e2e-{run_tag}-%",),
        ).fetchone()[0]


def forget_accepted(database_url: str) -> None:
    """Delete the acceptance run's events: with no worker there, they wait unapplied, and the
    end-to-end run would start behind them."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("DELETE FROM importorders_partnerevent WHERE event_id LIKE 'bench-%%'")


def end_to_end(base: str, headers: dict[str, str], database_url: str, lines: list[str], run_tag: str) -> dict:
    """Send every line (4 clients), wait until all its events are applied: the figures of a run."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=4) as clients:
        list(clients.map(lambda line: send(base, headers, line), lines))
    sent = time.perf_counter()
    while unapplied(database_url, run_tag):
        if time.perf_counter() - sent > 600:
            raise SystemExit("events still unapplied ten minutes after the last batch")
        time.sleep(0.05)
    finished = time.perf_counter()
    with psycopg.connect(database_url, autocommit=True) as conn:
        p50, p99 = conn.execute(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY waited),"
            " percentile_cont(0.99) WITHIN GROUP (ORDER BY waited) FROM ("
            "SELECT extract(epoch FROM applied_at - received_at) AS waited"
            " FROM importorders_partnerevent WHERE event_id LIKE %s) AS run",
            (f"e2e-{run_tag}-%",),
        ).fetchone()
    events = len(lines) * BATCH
    return {
        "events": events,
        "seconds": round(finished - started, 3),
        "seconds_sending": round(sent - started, 3),
        "events_per_s": round(events / (finished - started)),
        "p50_accept_to_applied_s": round(p50, 3),
        "p99_accept_to_applied_s": round(p99, 3),
    }


def bulk_insert_seconds(database_url: str, run_tag: str) -> float:
    """The same rows, read back and written by one client: 1,000-row INSERTs, one commit each, into
    a copy of the inbox table with its indexes and constraints (dropped afterwards)."""
    with psycopg.connect(database_url) as conn:
        columns = [
            row[0]
            for row in conn.execute(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_name = 'importorders_partnerevent' AND column_name <> 'id'"
                " ORDER BY ordinal_position"
            )
        ]
        names = ", ".join(f'"{column}"' for column in columns)
        rows = conn.execute(
            f"SELECT {names} FROM importorders_partnerevent WHERE event_id LIKE %s ORDER BY id",  # noqa: S608
            (f"e2e-{run_tag}-%",),
        ).fetchall()
        conn.execute("DROP TABLE IF EXISTS bench_inbox_copy")
        conn.execute("CREATE TABLE bench_inbox_copy (LIKE importorders_partnerevent INCLUDING ALL)")
        conn.commit()
        wrapped = [tuple(Jsonb(v) if isinstance(v, dict) else v for v in row) for row in rows]
        row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
        started = time.perf_counter()
        for first in range(0, len(wrapped), BATCH):
            chunk = wrapped[first : first + BATCH]
            conn.execute(
                f"INSERT INTO bench_inbox_copy ({names}) VALUES "  # noqa: S608 - column names from the catalog
                + ", ".join([row_sql] * len(chunk)),
                [value for row in chunk for value in row],
            )
            conn.commit()
        seconds = time.perf_counter() - started
        conn.execute("DROP TABLE bench_inbox_copy")
        conn.commit()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_common_arguments(parser)
    parser.add_argument("--pool", type=int, default=400, help="batches prepared (each sent once)")
    parser.add_argument("--batches", type=int, default=60, help="batches sent end to end (0: skip)")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    # A new database each run: the inbox of an earlier run would be a backlog ahead of this one's.
    recreate_database(database_url)
    env, seeded = prepare(
        database_url,
        os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL,
    )
    headers = partner_headers(seeded)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-events-") as scratch, serving(env, args.workers) as base:
        vins = partner_vins(base, headers)
        if not vins:
            raise SystemExit("the demo partner has no vehicles on its shipments")
        run_tag = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
        pool = Pool(batch_lines(vins, args.pool, run_tag), Path(scratch))
        result = ratio_of(
            f"POST partner/events/ ({BATCH:,} events)",
            lambda seconds: pool.run(base, headers, seconds, args.connections),
            base=base,
            rounds=args.rounds,
            duration=args.duration,
            connections=args.connections,
        )
        result["events_accepted_per_s"] = result["requests_per_s"] * BATCH
        result["batches_sent"] = pool.used
        results.append(result)
        if args.batches:
            forget_accepted(database_url)
            lines = batch_lines(vins, args.batches, run_tag, prefix="e2e")
            with working(env):
                flow = end_to_end(base, headers, database_url, lines, run_tag)
            flow["bulk_insert_s"] = round(bulk_insert_seconds(database_url, run_tag), 3)
            flow["times_bulk_insert"] = round(flow["seconds"] / flow["bulk_insert_s"], 2)
    report(results, args.json)
    if args.json:
        if args.batches:
            print(json.dumps({"end_to_end": flow}))
        return
    print(f"events accepted per second: {results[0]['events_accepted_per_s']:,}")
    if args.batches:
        print(
            f"end to end ({flow['events']:,} events, real worker): {flow['events_per_s']:,} events/s in "
            f"{flow['seconds']} s (sending took {flow['seconds_sending']} s); accept to applied p50 "
            f"{flow['p50_accept_to_applied_s']} s, p99 {flow['p99_accept_to_applied_s']} s"
        )
        print(
            f"plain bulk insert of the same rows: {flow['bulk_insert_s']} s; end to end is "
            f"{flow['times_bulk_insert']}x that (target: at least 5,000 events/s and at most 3x)"
        )


if __name__ == "__main__":
    main()
