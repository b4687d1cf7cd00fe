"""Orders for the benchmarks, made in bulk inside Django (run with the benchmark's environment).

    python bench/fixtures.py pools --pool 30000 --out DIR    # bench/orders.py runs this

A few template orders are made through the services (so their build, price lines and events are
what the application writes), then cloned in SQL (INSERT ... SELECT generate_series), each clone
with a fresh reference and its template's events. Never part of the test run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_MARK = "BENCH-"  # customer references of every order made here: a rerun removes them first

# A reference from a counter: (n * P) mod 21^8 is a bijection (P shares no factor with 21), its
# base-21 digits in importorders.models.orders.REFERENCE_ALPHABET. A random start per batch keeps
# batches of different runs apart; ON CONFLICT skips the rare clash with an existing reference.
REFERENCE_SPACE = 21**8
REFERENCE_MULTIPLIER = 2_654_435_761


def reference_sql(counter: str, alphabet: str) -> str:
    """SQL for the `XXXX-XXXX` reference of the bigint expression `counter`."""
    scrambled = f"mod(({counter})::numeric * {REFERENCE_MULTIPLIER}, {REFERENCE_SPACE})"
    digits = [f"substr('{alphabet}', mod(div({scrambled}, {21**k}), 21)::int + 1, 1)" for k in range(8)]
    return f"({' || '.join(digits[:4])} || '-' || {' || '.join(digits[4:])})"


def random_start() -> int:
    return secrets.randbelow(REFERENCE_SPACE)


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    import django

    django.setup()


def order_columns() -> list[str]:
    from importorders.models import Order

    return [f.column for f in Order._meta.concrete_fields if f.column != "id"]


def event_columns() -> list[str]:
    from importorders.models import OrderEvent

    return [f.column for f in OrderEvent._meta.concrete_fields if f.column not in ("id", "order_id")]


def clone(template_id: int, count: int, *, newest_seconds_ago: float, spacing_seconds: float) -> list[str]:
    """`count` copies of an order (with its events), created one after another going back in time
    from `newest_seconds_ago` before the template: their references, newest first."""
    from django.db import connection

    from importorders.models.orders import REFERENCE_ALPHABET

    columns = order_columns()
    timed = {"created_at", "updated_at", "status_changed_at"}
    shift = f"make_interval(secs => {newest_seconds_ago} + g * {spacing_seconds})"
    values = [
        reference_sql(f"{random_start()} + g", REFERENCE_ALPHABET)
        if column == "reference"
        else f"t.{column} - {shift}"
        if column in timed
        else f"t.{column}"
        for column in columns
    ]
    events = event_columns()
    # Built from the models' column names and integers only, never from input.
    sql = f"""
        WITH cloned AS (
            INSERT INTO importorders_order ({", ".join(columns)})
            SELECT {", ".join(values)}
            FROM importorders_order t, generate_series(0, %s - 1) AS g
            WHERE t.id = %s
            ON CONFLICT (reference) DO NOTHING
            RETURNING id, reference, created_at
        ), events AS (
            INSERT INTO importorders_orderevent (order_id, {", ".join(events)})
            SELECT cloned.id, {", ".join(f"e.{c}" for c in events)}
            FROM cloned JOIN importorders_orderevent e ON e.order_id = %s
        )
        SELECT reference FROM cloned ORDER BY created_at DESC
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [count, template_id, template_id])
        return [row[0] for row in cursor.fetchall()]


def remove_previous() -> int:
    """Remove the orders an earlier run made here (their events first); how many went."""
    from django.db import IntegrityError, connection, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM importorders_orderevent WHERE order_id IN "
                "(SELECT id FROM importorders_order WHERE customer_reference LIKE %s)",
                [BENCH_MARK + "%"],
            )
            cursor.execute(
                "DELETE FROM importorders_order WHERE customer_reference LIKE %s", [BENCH_MARK + "%"]
            )
            return cursor.rowcount
    except IntegrityError as exc:  # rows of later features (vehicles...) point at them: keep them
        print(f"earlier benchmark orders kept ({exc.__class__.__name__}: {exc})", file=sys.stderr)
        return 0


def next_month(today: dt.date) -> dt.date:
    first = today.replace(day=1)
    return (first + dt.timedelta(days=32)).replace(day=1)


def templates() -> dict[str, object]:
    """One order of TKY001 at each status the benchmarks need, made through the services."""
    from catalog.models import Trim
    from core import clock
    from core.actors import Actor
    from importorders.models import Dealer
    from importorders.services import orders as svc
    from tests.importorders.allocating import allow  # confirmation reserves a unit of a quota

    actor = Actor.system("bench")
    dealer = Dealer.objects.get(code="TKY001")
    trim = Trim.objects.select_related("model_year__vehicle_model").get(code="CAMRY-26-SE")
    today = clock.today_jst()
    changes = svc.OrderChanges(
        kind="sold",
        customer_reference=f"{BENCH_MARK}0001",
        trim=trim,
        color_code="218",
        option_codes=("JP-ETC2", "CAMRY-NAV12"),
        requested_month=next_month(today),
    )
    made = {}
    order = svc.order_create(dealer=dealer, actor=actor, changes=changes)
    made["draft"] = order
    order = svc.order_create(dealer=dealer, actor=actor, changes=changes)
    made["submitted"] = svc.order_submit(order=order, actor=actor)
    order = svc.order_create(dealer=dealer, actor=actor, changes=changes)
    order = svc.order_confirm(order=allow(svc.order_submit(order=order, actor=actor)), actor=actor)
    made["confirmed"] = order
    order = svc.order_create(dealer=dealer, actor=actor, changes=changes)
    order = svc.order_confirm(order=allow(svc.order_submit(order=order, actor=actor)), actor=actor)
    made["scheduled"] = svc.order_schedule(order=order, actor=actor, week=today + dt.timedelta(days=90))
    return made


def vins(trim_code: str, count: int) -> list[str]:
    """`count` distinct valid VINs for the trim's model year: its plant's WMI and letter, the year code,
    the check digit (catalog.vin), and serials from a random start."""
    from catalog.models import Trim
    from catalog.vin import vin_check_digit, vin_validate, vin_year_code

    trim = Trim.objects.select_related("model_year__plant").get(code=trim_code)
    plant = trim.model_year.plant
    wmis = sorted(plant.wmis.values_list("wmi", flat=True))
    start = secrets.randbelow(1_000_000 - count)
    made = []
    for serial in range(start, start + count):
        body = f"{wmis[0]}B11HK0{vin_year_code(trim.model_year.year)}{plant.vin_plant_letter}{serial:06d}"
        vin = body[:8] + vin_check_digit(body) + body[9:]
        made.append(vin)
    # One validated the way assignment validates, so a change of rules shows here first.
    vin_validate(made[0], wmis=wmis, plant_letter=plant.vin_plant_letter, model_year=trim.model_year.year)
    return made


def pools(pool: int, out: Path) -> dict:
    """The read set (a full page and more of mixed statuses, newest) and one pool per move, each
    written as `path<TAB>body` lines for bench/lua/post_each.lua."""
    removed = remove_previous()
    made = templates()
    read = []
    for index, status in enumerate(("draft", "submitted", "confirmed", "scheduled")):
        read += clone(made[status].pk, 30, newest_seconds_ago=1 + index * 0.25, spacing_seconds=1)
    moves = {"submit": "draft", "confirm": "submitted", "assign-vin": "scheduled"}
    files = {}
    for number, (move, status) in enumerate(moves.items()):
        references = clone(
            made[status].pk, pool, newest_seconds_ago=3600 * (number + 1), spacing_seconds=0.01
        )
        bodies = (
            [json.dumps({"vin": vin}) for vin in vins(made[status].trim.code, len(references))]
            if move == "assign-vin"
            else [""] * len(references)
        )
        path = out / f"{move}.lines"
        path.write_text(
            "".join(
                f"/api/v1/orders/{ref}/{move}/\t{body}\n"
                for ref, body in zip(references, bodies, strict=True)
            )
        )
        files[move] = {"file": str(path), "orders": len(references)}
    # Every order of the confirm pool reserves a unit of its dealer's quota, and the quota's queue
    # holds every submitted order of the dealer, model and month: room for them all.
    from importorders.models import Order
    from tests.importorders.allocating import quota

    submitted = made["submitted"]
    where = {
        "dealer": submitted.dealer,
        "vehicle_model": submitted.trim.model_year.vehicle_model,
        "month": submitted.requested_month,
    }
    queued = Order.objects.filter(
        dealer=submitted.dealer,
        vehicle_model=where["vehicle_model"],
        requested_month=where["month"],
        status__in=("submitted", "confirmed", "scheduled"),
    ).count()
    quota(**where, units=queued + pool + 100)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE importorders_order")
        cursor.execute("ANALYZE importorders_orderevent")
    return {
        "removed": removed,
        "read": {"orders": len(read), "detail": made["confirmed"].reference},
        "pools": files,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    made = sub.add_parser("pools", help="the orders bench/orders.py measures")
    made.add_argument("--pool", type=int, default=30_000, help="orders per move")
    made.add_argument("--out", type=Path, required=True, help="directory for the request files")
    args = parser.parse_args()
    _setup_django()
    args.out.mkdir(parents=True, exist_ok=True)
    print(json.dumps(pools(args.pool, args.out)))


if __name__ == "__main__":
    main()
