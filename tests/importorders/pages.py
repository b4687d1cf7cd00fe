"""Helpers of the order pages' tests: orders placed through the services, signed-in page clients."""

from __future__ import annotations

import datetime as dt

from importorders.models import Order, OrderEvent, OrderStatus
from importorders.services import orders as svc
from tests.clock import today
from tests.factories import TEST_ACTOR
from tests.importorders.allocating import allow


def month(offset: int = 1) -> dt.date:
    """The first day of the month `offset` months from this one (Japan)."""
    first = today().replace(day=1)
    year, index = divmod(first.month - 1 + offset, 12)
    return first.replace(year=first.year + year, month=index + 1)


def next_monday(weeks: int = 1) -> dt.date:
    """The Monday `weeks` weeks after this week's."""
    day = today()
    return day - dt.timedelta(days=day.weekday()) + dt.timedelta(weeks=weeks)


def place(
    dealer, camry, status: str = OrderStatus.DRAFT, *, week: dt.date | None = None, **overrides
) -> Order:
    """An order of `dealer`, moved by the services to `status` (draft, submitted, confirmed, scheduled)."""
    changes = {
        "kind": "sold",
        "customer_reference": "CUST-001",
        "trim": camry.trim,
        "color_code": "089",
        "option_codes": ("PKG-NAV",),
        "requested_month": month(),
        **overrides,
    }
    order = svc.order_create(dealer=dealer, actor=TEST_ACTOR, changes=svc.OrderChanges(**changes))
    steps = [
        (OrderStatus.SUBMITTED, lambda o: allow(svc.order_submit(order=o, actor=TEST_ACTOR))),
        (OrderStatus.CONFIRMED, lambda o: svc.order_confirm(order=allow(o), actor=TEST_ACTOR)),
        (
            OrderStatus.SCHEDULED,
            lambda o: svc.order_schedule(order=o, actor=TEST_ACTOR, week=week or next_monday(9)),
        ),
    ]
    for reached, step in steps:
        if order.status == status:
            break
        order = step(order)
        assert order.status == reached
    assert order.status == status
    return order


def everything() -> tuple[list, list]:
    """Every order and event row, as a refused call must leave them."""
    return (
        list(Order.objects.order_by("pk").values()),
        list(OrderEvent.objects.order_by("pk").values()),
    )


def page_client(client, user, language: str = "ja"):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def text_of(response) -> str:
    return response.content.decode()


def main_of(response) -> str:
    """The page's <main> (the header carries a fresh CSRF token per response)."""
    text = text_of(response)
    return text[text.index("<main") : text.index("</main>")]
