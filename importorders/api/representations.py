"""Order rows as the list shows them: plain dicts built from `.values()` rows (no model instances).

The same shape as OrderRowSerializer, which documents it in the OpenAPI schema (the contract
tests check every response against that schema, and tests/importorders/api/test_orders.py checks
a row field by field). A page of 50 built through the ModelSerializer spent most of its time
making six model instances per row (the order and its joined dealer, trim, model year, model and
colour, with every column, price lines included) and walking the serializer's fields; see
docs/benchmarks.md, "Orders".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

# What a row reads, in one query: the order's own columns and the codes of what it joins.
ORDER_ROW_VALUES = (
    "reference",
    "dealer__code",
    "status",
    "kind",
    "vehicle_model__code",
    "trim__code",
    "color__code",
    "requested_month",
    "priority",
    "customer_reference",
    "price_total_jpy",
    "created_at",
    "status_changed_at",
    "id",  # the cursor's tie-break (the list is ordered by -created_at, -id)
)


def shown_time(value: dt.datetime, zone: dt.tzinfo) -> str:
    """An aware time as DRF's DateTimeField shows it: in the current time zone, ISO 8601."""
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def order_rows(values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The list's rows from ORDER_ROW_VALUES rows, in order."""
    zone = timezone.get_current_timezone()
    return [
        {
            "reference": row["reference"],
            "dealer": row["dealer__code"],
            "status": row["status"],
            "kind": row["kind"],
            "model": row["vehicle_model__code"],
            "trim": row["trim__code"],
            "color": row["color__code"],
            "requested_month": row["requested_month"].strftime("%Y-%m"),
            "priority": row["priority"],
            "customer_reference": row["customer_reference"],
            "price_total_jpy": None if row["price_total_jpy"] is None else int(row["price_total_jpy"]),
            "created_at": shown_time(row["created_at"], zone),
            "status_changed_at": shown_time(row["status_changed_at"], zone),
        }
        for row in values
    ]
