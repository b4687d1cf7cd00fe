"""Partner event batches accepted (POST partner/events/, 1,000 events a request) as a ratio of
/healthz, both measured in the same run (see bench/run.py).

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
import tempfile
import urllib.request
from pathlib import Path

from orders import Pool
from run import (
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    add_common_arguments,
    prepare,
    ratio_of,
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


def batch_lines(vins: list[str], batches: int, run_tag: str) -> list[str]:
    """`batches` request lines, each a batch of BATCH estimates no request repeats."""
    start = dt.datetime.now(dt.UTC).replace(microsecond=0)
    lines = []
    for number in range(batches):
        events = [
            {
                "event_id": f"bench-{run_tag}-{number}-{index}",
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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_common_arguments(parser)
    parser.add_argument("--pool", type=int, default=400, help="batches prepared (each sent once)")
    args = parser.parse_args()

    env, seeded = prepare(
        os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
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
    report(results, args.json)
    if not args.json:
        print(f"events accepted per second: {results[0]['events_accepted_per_s']:,}")


if __name__ == "__main__":
    main()
