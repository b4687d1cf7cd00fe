"""The plant's build list in-process: how long `orders_assign_vins` takes for 1,000 and 5,000 rows.

    .venv/bin/python bench/vins.py                  # sizes 1000 and 5000, per-1,000 timing
    .venv/bin/python bench/vins.py --rows 5000 --profile   # and the cProfile of that run

The database (DATABASE_URL, default importorders_bench) is migrated and seeded with the demo data,
then for each size a scheduled template order of TKY001 is cloned in SQL (bench/fixtures.py) and a
CSV of valid VINs for them is read and assigned, committed, as the back office's upload does it.
Printed: the seconds of reading the CSV and of the assignment, the milliseconds per 1,000 rows and
the number of SQL queries. Never part of the test run.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time

from run import DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, ROOT, bench_env, ensure_database, manage


def build_list(references: list[str], vins: list[str]) -> bytes:
    lines = ["reference,VIN,build date"]
    lines += [f"{reference},{vin}," for reference, vin in zip(references, vins, strict=True)]
    return ("\n".join(lines) + "\n").encode()


def measure(rows: int, profile: bool) -> dict:
    import fixtures
    from django.db import connection

    from core.actors import Actor
    from importorders.services import vehicles

    made = fixtures.templates()
    scheduled = made["scheduled"]
    references = fixtures.clone(scheduled.pk, rows, newest_seconds_ago=60, spacing_seconds=0.01)
    raw = build_list(references, fixtures.vins(scheduled.trim.code, len(references)))
    actor = Actor.system("bench")
    count = [0]

    def counted(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    parsed = vehicles.build_list_read(raw)
    read = time.perf_counter() - started
    if profiler:
        profiler.enable()
    with connection.execute_wrapper(counted):
        result = vehicles.orders_assign_vins(actor=actor, rows=parsed)
    if profiler:
        profiler.disable()
    assigned = time.perf_counter() - started - read
    queries = count[0]
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        print(out.getvalue())
    return {
        "rows": len(parsed),
        "assigned": result.assigned,
        "read_s": round(read, 3),
        "assign_s": round(assigned, 3),
        "ms_per_1000_rows": round((read + assigned) * 1000 / len(parsed) * 1000, 1),
        "queries": queries,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, action="append", help="build-list sizes (default 1000 and 5000)")
    parser.add_argument("--profile", action="store_true", help="print the cProfile of each assignment")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    ensure_database(database_url)
    env = bench_env(database_url, redis_url)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "seed_demo", "--json", "--force")
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    for rows in args.rows or [1000, 5000]:
        figures = measure(rows, args.profile)
        print(
            f"{figures['rows']:>5} rows: read {figures['read_s']:.3f} s, assign {figures['assign_s']:.3f} s, "
            f"{figures['ms_per_1000_rows']:.0f} ms per 1,000 rows, {figures['queries']} queries"
        )


if __name__ == "__main__":
    main()
