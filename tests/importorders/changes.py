"""What the change-request tests share: the Camry world with port and factory options, and orders."""

from __future__ import annotations

import datetime as dt

from catalog.models import Installation, Option
from importorders.models import ChangeRequest, Order, OrderEvent, OrderStatus
from importorders.services import orders as svc
from tests.clock import today
from tests.factories import TEST_ACTOR
from tests.importorders.allocating import allow

# The Camry world's options (tests/catalog/conftest.py) by where they are fitted: the package and
# the moonroof at the plant, the rest at the port.
FACTORY = ("PKG-NAV", "ROOF")
PORT = ("DASHCAM", "MUDGUARD", "RACK", "RAILS")


def install_options(camry) -> None:
    """Mark the Camry world's options factory- or port-installed."""
    Option.objects.filter(maker=camry.maker, code__in=FACTORY).update(installation=Installation.FACTORY)
    Option.objects.filter(maker=camry.maker, code__in=PORT).update(installation=Installation.PORT)


def month(offset: int = 1) -> dt.date:
    first = today().replace(day=1)
    year, index = divmod(first.month - 1 + offset, 12)
    return first.replace(year=first.year + year, month=index + 1)


def place(
    dealer, camry, status: str = OrderStatus.CONFIRMED, *, week_in_days: int = 60, **overrides
) -> Order:
    """An order of `dealer` (XSE, colour 089, PKG-NAV), moved by the services up to `status`."""
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
        (OrderStatus.SUBMITTED, lambda o: svc.order_submit(order=o, actor=TEST_ACTOR)),
        (OrderStatus.CONFIRMED, lambda o: svc.order_confirm(order=allow(o), actor=TEST_ACTOR)),
        (
            OrderStatus.SCHEDULED,
            lambda o: svc.order_schedule(
                order=o, actor=TEST_ACTOR, week=today() + dt.timedelta(days=week_in_days)
            ),
        ),
    ]
    for reached, step in steps:
        if order.status == status:
            break
        order = step(order)
        assert order.status == reached
    assert order.status == status
    return order


def everything() -> tuple[list, list, list]:
    """Every order, event and change-request row, as a refused call must leave them."""
    return (
        list(Order.objects.order_by("pk").values()),
        list(OrderEvent.objects.order_by("pk").values()),
        list(ChangeRequest.objects.order_by("pk").values()),
    )
