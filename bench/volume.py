"""The orders API at volume: 10,000 then 1,000,000 orders over 300 dealers, in its own database.

    make bench                                    # everything, this included
    .venv/bin/python bench/volume.py              # 10,000 then 1,000,000 orders
    .venv/bin/python bench/volume.py --sizes 10000 -n 100

Fills VOLUME_DATABASE_URL (default a local `importorders_bench_volume`, dropped and created anew
first) with the demo data, 300 more dealers and the orders, in bulk: INSERT ... SELECT over
generate_series, chunk by chunk, never the ORM row by row. The spread: dealers skewed (dealer k of
300 drawn with probability ∝ the square-root law floor(300·u²), so the biggest holds about 6% of
all orders, the smallest a few), created over the last two years, statuses by age (about five
months from placing to delivery: the last months' orders spread through the pipeline, older ones
delivered; 4% rejected, 6% cancelled), trims and colours as the
catalog offers them, 70% sold / 30% stock, requested one to three months after creation, priced
(the price lines of the trim's real quote) from submission on. No order events: neither the list
nor the detail reads them.

At each size: ANALYZE, then for a key of the biggest dealer, in this process through Django's
WSGIHandler (production settings, no HTTP), the p95 of the list's first page, a filtered page
(status and model), a page deep in the cursor (the 200th, reached by following `next`; the last
there is when the dealer has fewer) and the detail, with their ratios to each other; and EXPLAIN
(ANALYZE, BUFFERS) of the query each one ran. A plan that scans the order table or sorts its rows
is flagged. Never part of the test run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time

from fixtures import reference_sql
from inprocess import Client, dealer_key, django_setup, p95, timings
from run import DEFAULT_REDIS_URL, bench_env, manage, recreate_database

DEFAULT_VOLUME_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/importorders_bench_volume"
DEALERS = 300
DEALER_PREFIX = "VOL"
CHUNK = 100_000
DEEP_PAGE = 200
INDEX_ROWS_LIMIT = 10_000  # entries an index scan of the order table may read for one page
SORTED_ROWS_LIMIT = 1_000  # a sort of a few pages' rows is fine; of a dealer's orders, not

# The status an order has reached by its age, with a jitter of a few weeks: about five months from
# placing to delivery, so the orders of the last months are spread through the pipeline and the
# older ones delivered. Thresholds in days on `age_days + (u - 0.5) * 20`.
PIPELINE_DAYS = (
    (7, "draft"),
    (14, "submitted"),
    (30, "confirmed"),
    (60, "scheduled"),
    (75, "built"),
    (105, "shipped"),
    (120, "arrived"),
    (130, "cleared"),
    (140, "ready"),
)


def dealers_make() -> list[int]:
    """The 300 volume dealers (made once), biggest first: their ids."""
    from importorders.models import Dealer

    Dealer.objects.bulk_create(
        [
            Dealer(
                code=f"{DEALER_PREFIX}{number:03d}",
                name_ja=f"ボリューム販売{number:03d}",
                name_en=f"Volume Motors {number:03d}",
                prefecture=f"{(number % 47) + 1:02d}",
            )
            for number in range(1, DEALERS + 1)
        ],
        ignore_conflicts=True,
    )
    return list(
        Dealer.objects.filter(code__startswith=DEALER_PREFIX).order_by("code").values_list("pk", flat=True)
    )


def prices_make() -> None:
    """bench_trim_price: each trim's price lines and total, from its real quote today (any colour)."""
    from django.db import connection

    from catalog.models import TrimColor
    from catalog.services.quote import quote_build
    from core import clock
    from importorders.services.orders import _price_lines

    rows = []
    seen = set()
    for pair in TrimColor.objects.select_related("trim", "color").order_by("trim_id", "color__code"):
        if pair.trim_id in seen:
            continue
        seen.add(pair.trim_id)
        quote = quote_build(
            trim=pair.trim, color_code=pair.color.code, option_codes=(), on_date=clock.today_jst()
        )
        rows.append((pair.trim_id, json.dumps(_price_lines(quote)), quote.total_jpy))
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_trim_price "
            "(trim_id bigint PRIMARY KEY, lines jsonb, total numeric)"
        )
        cursor.execute("TRUNCATE bench_trim_price")
        cursor.executemany("INSERT INTO bench_trim_price VALUES (%s, %s, %s)", rows)


def _status_case() -> str:
    whens = " ".join(f"WHEN progress < {days} THEN '{status}'" for days, status in PIPELINE_DAYS)
    exits = "WHEN exit_u < 0.04 THEN 'rejected' WHEN exit_u < 0.10 THEN 'cancelled'"
    return f"CASE {exits} {whens} ELSE 'delivered' END"


def insert_sql(start: int) -> str:
    """INSERT ... SELECT of %(count)s orders (params: count, dealer ids array)."""
    from importorders.models.orders import REFERENCE_ALPHABET

    reference = reference_sql(f"{start} + g", REFERENCE_ALPHABET)
    # Confirmed or later: the FX rate locked and confirmed_at; scheduled or later: a production week.
    confirmed = "status NOT IN ('draft', 'submitted', 'rejected', 'cancelled')"
    scheduled = f"{confirmed} AND status <> 'confirmed'"
    return f"""
        WITH pairs AS (
            SELECT array_agg(trim_id ORDER BY id) AS trims, array_agg(color_id ORDER BY id) AS colors
            FROM catalog_trimcolor
        ),
        drawn AS (
            SELECT g,
                   (%(dealers)s::bigint[])[1 + floor({DEALERS} * power(random(), 2))::int] AS dealer_id,
                   1 + floor(random() * (SELECT cardinality(trims) FROM pairs))::int AS pair,
                   now() - random() * interval '730 days' AS created_at,
                   random() AS u, random() AS exit_u, random() AS kind_u
            FROM generate_series(1, %(count)s) AS g
        ),
        aged AS (
            SELECT *, extract(epoch FROM now() - created_at) / 86400 + (u - 0.5) * 20 AS progress
            FROM drawn
        ),
        placed AS (
            SELECT aged.*, {_status_case()} AS status,
                   (SELECT trims[pair] FROM pairs) AS trim_id, (SELECT colors[pair] FROM pairs) AS color_id,
                   date_trunc('month', created_at + (1 + floor(u * 3)::int) * interval '1 month')::date
                       AS requested_month
            FROM aged
        )
        INSERT INTO importorders_order (
            reference, created_at, updated_at, status_changed_at, dealer_id, kind, customer_reference,
            promised_date, status, trim_id, vehicle_model_id, color_id, option_codes, requested_month,
            priority, notes,
            priced_on, price_lines, price_total_jpy, fx_rate, fx_rate_date, confirmed_at, production_week
        )
        SELECT {reference}, created_at,
               created_at + (now() - created_at) * u, created_at + (now() - created_at) * u,
               dealer_id,
               CASE WHEN kind_u < 0.7 THEN 'sold' ELSE 'stock' END,
               CASE WHEN kind_u < 0.7 THEN 'C-' || to_char(g, 'FM0000000') ELSE '' END,
               NULL, status, placed.trim_id, placed.vehicle_model_id, color_id, '[]'::jsonb, requested_month,
               100, '',
               CASE WHEN status = 'draft' THEN NULL ELSE created_at::date END,
               CASE WHEN status = 'draft' THEN '[]'::jsonb ELSE p.lines END,
               CASE WHEN status = 'draft' THEN NULL ELSE p.total END,
               CASE WHEN {confirmed} THEN 152.3400 END,
               CASE WHEN {confirmed} THEN created_at::date END,
               CASE WHEN {confirmed} THEN created_at + interval '2 days' END,
               CASE WHEN {scheduled} THEN date_trunc('week', requested_month + interval '14 days')::date END
        FROM (
            SELECT placed.*, my.vehicle_model_id
            FROM placed JOIN catalog_trim tr ON tr.id = placed.trim_id
                 JOIN catalog_modelyear my ON my.id = tr.model_year_id
        ) AS placed JOIN bench_trim_price p ON p.trim_id = placed.trim_id
        ON CONFLICT (reference) DO NOTHING
    """  # noqa: S608 - built from constants and integers only, never from input


def fill(total: int, dealer_ids: list[int]) -> float:
    """Orders added until the table holds `total`; seconds it took (ANALYZE included)."""
    import secrets

    from django.db import connection
    from fixtures import REFERENCE_SPACE

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM importorders_order")
        have = cursor.fetchone()[0]
        while have < total:
            count = min(CHUNK, total - have)
            cursor.execute(
                insert_sql(secrets.randbelow(REFERENCE_SPACE)), {"count": count, "dealers": dealer_ids}
            )
            have += cursor.rowcount
            print(f"  {have:,} orders", file=sys.stderr)
        cursor.execute("ANALYZE importorders_order")
    return time.monotonic() - started


def captured_sql(client: Client, url: str) -> tuple[str, list]:
    """The SQL (and parameters) of the orders query that a request to `url` runs."""
    from django.db import connection

    seen = []

    def keep(execute, sql, params, many, context):
        if '"importorders_order"' in sql:
            seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        status, body = client.get(url)
    if status != 200 or not seen:
        sys.exit(f"{url} answered {status} / ran no orders query: {body[:300]!r}")
    return seen[-1]


def explain(sql: str, params: list) -> tuple[str, list[str]]:
    """EXPLAIN (ANALYZE, BUFFERS) of a query, and what in it is a problem at volume."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    problems = []
    if "Seq Scan on importorders_order" in plan:
        problems.append("sequential scan of the order table")
    lines = plan.splitlines()
    for index, line in enumerate(lines):
        if not re.match(r"\s*(->\s+)?(Incremental )?Sort ", line):
            continue
        # What the sort was fed: the actual rows of the first node below it.
        child = next((below for below in lines[index + 1 :] if "->" in below), "")
        fed = re.search(r"actual time=\S+ rows=(\d+) loops=(\d+)", child)
        rows = int(fed.group(1)) * int(fed.group(2)) if fed else 0
        if rows > SORTED_ROWS_LIMIT:
            problems.append(f"a sort of {rows:,} rows: {line.strip()}")
    for line in lines:
        # An index of the order table read far beyond a page: the filter is not the index's.
        read = re.search(r"Index Scan (?:using|on) (\w+).*actual time=\S+ rows=(\d+) loops=(\d+)", line)
        if read and read.group(1).startswith(("importorders_order", "order_")):
            rows = int(read.group(2)) * int(read.group(3))
            if rows > INDEX_ROWS_LIMIT:
                problems.append(f"{rows:,} entries read from index {read.group(1)}")
    return plan, problems


def deep_url(client: Client, first: str, pages: int) -> tuple[str, int]:
    """The URL of page `pages` (1 = first), following `next`; or of the last page there is."""
    url, page = first, 1
    while page < pages:
        _status, body = client.get(url)
        following = json.loads(body)["next"]
        if not following:
            break
        url = following.replace("http://127.0.0.1", "", 1)
        page += 1
    return url, page


def measure(size: int, n: int) -> dict:
    """p95 of the four reads for the biggest dealer's key, their ratios, and the lists' plans."""
    from django.db.models import Count

    from importorders.models import Dealer

    biggest = (
        Dealer.objects.filter(code__startswith=DEALER_PREFIX)
        .annotate(n=Count("orders"))
        .order_by("-n")
        .first()
    )
    kept = Client({"Authorization": f"Api-Key {dealer_key(biggest.code)}", "Accept-Language": "ja"})

    class Unkept:
        """Every read built from the database: what is measured here is the query at volume, not the
        kept rendered read (importorders.order_cache), which a repeat would be served from."""

        def get(self, url: str):
            from importorders.order_cache import order_response_cache

            order_response_cache.clear()
            return kept.get(url)

    client = Unkept()
    first = "/api/v1/orders/"
    deep, page = deep_url(client, first, DEEP_PAGE)
    status, body = client.get(first)
    reference = json.loads(body)["results"][0]["reference"]
    reads = {
        "list, first page": first,
        "list, status=confirmed&model=CAMRY": "/api/v1/orders/?status=confirmed&model=CAMRY",
        f"list, page {page} (cursor)": deep,
        "detail": f"/api/v1/orders/{reference}/",
    }
    result = {"orders": size, "dealer": biggest.code, "dealer_orders": biggest.n, "reads": {}}
    for label, url in reads.items():
        status, body = client.get(url)
        if status != 200:
            sys.exit(f"{url} answered {status}: {body[:300]!r}")
        times = timings(lambda url=url: client.get(url), n)
        plan, problems = explain(*captured_sql(client, url))
        result["reads"][label] = {
            "url": url,
            "p95_ms": round(p95(times) * 1000, 2),
            "mean_ms": round(statistics.mean(times) * 1000, 2),
            "plan": plan,
            "problems": problems,
        }
    detail = result["reads"]["detail"]["p95_ms"]
    values = [read["p95_ms"] for read in result["reads"].values()]
    for read in result["reads"].values():
        read["ratio_to_detail"] = round(read["p95_ms"] / detail, 2)
    result["max_over_min"] = round(max(values) / min(values), 2)
    return result


def show(result: dict, plans: bool) -> None:
    print(
        f"\n{result['orders']:,} orders; dealer {result['dealer']} holds {result['dealer_orders']:,}; "
        f"in-process through WSGIHandler, n per read as given"
    )
    print(f"{'read':<40} {'p95 ms':>8} {'mean ms':>8} {'/detail':>8}")
    for label, read in result["reads"].items():
        print(f"{label:<40} {read['p95_ms']:>8.2f} {read['mean_ms']:>8.2f} {read['ratio_to_detail']:>8.2f}")
    print(f"slowest p95 / fastest p95: {result['max_over_min']:.2f} (target: within 2)")
    for label, read in result["reads"].items():
        flag = "; ".join(read["problems"]) or "no scan of the order table, no sort or index read of many rows"
        print(f"\n-- {label}: {flag}")
        if plans:
            print(read["plan"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,1000000", help="order counts, ascending, comma-separated")
    parser.add_argument("-n", type=int, default=200, help="timed requests per read")
    parser.add_argument("--no-plans", action="store_true", help="name plan problems only")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    database_url = os.environ.get("VOLUME_DATABASE_URL") or DEFAULT_VOLUME_DATABASE_URL
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    # A new database each run: the orders of the last run are gone, and so must be every quota,
    # ledger entry and vehicle they left (the demo data confirms orders against its quotas).
    recreate_database(database_url)
    env = bench_env(database_url, redis_url)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "seed_demo", "--json", "--force")
    django_setup(database_url, redis_url)
    from django.db import connection

    with connection.cursor() as cursor:
        # The demo's own orders go: the dealers' orders are the generated ones only.
        cursor.execute("TRUNCATE importorders_orderevent, importorders_order CASCADE")
    dealer_ids = dealers_make()
    prices_make()
    results = []
    for size in sizes:
        seconds = fill(size, dealer_ids)
        print(f"filled to {size:,} orders in {seconds:.0f} s", file=sys.stderr)
        results.append(measure(size, args.n) | {"fill_seconds": round(seconds)})
        if not args.json:
            show(results[-1], plans=not args.no_plans)
    if args.json:
        print(json.dumps({"results": results}, indent=2))
    broken = [r for r in results if r["max_over_min"] > 2 or any(x["problems"] for x in r["reads"].values())]
    sys.exit(1 if broken else 0)


if __name__ == "__main__":
    main()
