"""The back office's order pages: the confirmation queue and scheduling, one by one and in bulk."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from core.errors import Conflict
from importorders.models import OrderEvent, OrderStatus
from importorders.services import orders as svc
from tests.catalog.conftest import camry  # noqa: F401 - the Camry world, priced, for orders
from tests.clock import today
from tests.factories import TEST_ACTOR
from tests.importorders.pages import everything, main_of, month, next_monday, page_client, place, text_of
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

QUEUES = ("/office/orders/", "/office/schedule/")


def ops(client, world, language: str = "ja"):
    return page_client(client, world.users["operations"], language)


def rows_of(response) -> list[str]:
    return re.findall(r'data-testid="queue-row-([A-Z0-9-]+)"', text_of(response))


@pytest.mark.parametrize("url", QUEUES)
@pytest.mark.parametrize(
    ("caller", "expected"),
    [
        ("dealer_sales", 404),
        ("dealer_manager", 404),
        ("compliance", 403),
        ("operations", 200),
        ("admin", 200),
    ],
)
def test_the_queues_are_for_operations(client, world, url, caller, expected):
    assert page_client(client, world.users[caller]).get(url).status_code == expected


@pytest.mark.parametrize("url", QUEUES)
def test_anonymous_is_sent_to_the_login_page(client, world, url):
    assert client.get(url)["Location"].startswith("/login/?next=")


@pytest.mark.parametrize(
    "path", ["orders/{ref}/confirm/", "orders/{ref}/reject/", "orders/bulk-confirm/", "schedule/{ref}/"]
)
@pytest.mark.parametrize(("caller", "expected"), [("dealer_manager", 404), ("compliance", 403)])
def test_the_queues_actions_refuse_everyone_but_operations(client, world, camry, path, caller, expected):  # noqa: F811
    order = place(world.dealer, camry, OrderStatus.SUBMITTED)
    before = everything()

    response = page_client(client, world.users[caller]).post(
        "/office/" + path.format(ref=order.reference), {"reason": "x", "references": [order.reference]}
    )

    assert response.status_code == expected
    assert everything() == before


def test_the_confirmation_queue_lists_submitted_orders_longest_waiting_first_with_their_age(
    client,
    world,
    camry,  # noqa: F811
    clock,
):
    oldest = place(world.other_dealer, camry, OrderStatus.SUBMITTED)
    clock.advance(days=2, hours=3)
    middle = place(world.dealer, camry, OrderStatus.SUBMITTED)
    clock.advance(hours=5)
    newest = place(world.dealer, camry, OrderStatus.SUBMITTED)
    place(world.dealer, camry)  # a draft
    place(world.dealer, camry, OrderStatus.CONFIRMED)

    response = ops(client, world, "en").get("/office/orders/")

    assert rows_of(response) == [oldest.reference, middle.reference, newest.reference]
    text = main_of(response)
    assert f'data-testid="age-{oldest.reference}">2 days' in text
    assert f'data-testid="age-{middle.reference}">5 hours' in text
    assert f'data-testid="age-{newest.reference}">0 hours' in text


def test_the_queue_filters_by_dealer_model_and_month_and_keeps_them(client, world, camry):  # noqa: F811
    tokyo = place(world.dealer, camry, OrderStatus.SUBMITTED)
    later = place(world.dealer, camry, OrderStatus.SUBMITTED, requested_month=month(2))
    osaka = place(world.other_dealer, camry, OrderStatus.SUBMITTED)
    page = ops(client, world)

    assert rows_of(page.get("/office/orders/?dealer=TKY001")) == [tokyo.reference, later.reference]
    assert rows_of(page.get(f"/office/orders/?dealer=TKY001&month={month(2):%Y-%m}")) == [later.reference]
    assert rows_of(page.get("/office/orders/?model=TUNDRA")) == []
    assert rows_of(page.get("/office/orders/?model=CAMRY&dealer=")) == [
        tokyo.reference,
        later.reference,
        osaka.reference,
    ]
    text = text_of(page.get("/office/orders/?dealer=TKY001&model=CAMRY"))
    assert '<input type="hidden" name="filters" value="dealer=TKY001&amp;model=CAMRY">' in text
    assert page.get("/office/orders/?dealer=NOPE").status_code == 400


def test_the_queue_pages_by_cursor_keeping_its_filters(client, world, camry, clock):  # noqa: F811
    placed = []
    for _ in range(27):
        clock.advance(minutes=1)
        placed.append(place(world.dealer, camry, OrderStatus.SUBMITTED))
    page = ops(client, world)

    first = page.get("/office/orders/?dealer=TKY001")
    assert rows_of(first) == [order.reference for order in placed[:25]]
    link = re.search(r'href="([^"]+)" rel="next"', text_of(first)).group(1).replace("&amp;", "&")
    assert "dealer=TKY001" in link
    assert rows_of(page.get(link)) == [order.reference for order in placed[25:]]


@pytest.mark.parametrize("url", QUEUES)
def test_a_queue_runs_the_same_queries_for_a_dozen_and_fifty_orders(client, world, camry, url):  # noqa: F811
    page = ops(client, world)
    status = OrderStatus.SUBMITTED if url == QUEUES[0] else OrderStatus.CONFIRMED

    def add(count: int) -> None:
        for index in range(count):
            place([world.dealer, world.other_dealer][index % 2], camry, status)

    # session, user, membership, groups, models and dealers (choices), the page of orders.
    # + the header's unread count (the exchange-rate notice is cached once warm).
    assert_constant_queries(lambda: page.get(url), add, expected=8, few=12, many=50, warm=True)


def test_confirming_one_order_locks_its_price_and_returns_to_the_filtered_queue(client, world, camry):  # noqa: F811
    order = place(world.dealer, camry, OrderStatus.SUBMITTED)
    page = ops(client, world)

    response = page.post(
        f"/office/orders/{order.reference}/confirm/", {"filters": "dealer=TKY001&x=<script>"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/office/orders/?dealer=TKY001"
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    assert order.fx_rate is not None
    assert order.events.last().actor_user == world.users["operations"]
    assert f"注文 {order.reference}: 確定。" in text_of(page.get(response["Location"]))


def test_confirming_an_order_that_left_the_queue_shows_why_and_changes_nothing(client, world, camry):  # noqa: F811
    order = place(world.dealer, camry, OrderStatus.SUBMITTED)
    svc.order_cancel(order=order, actor=TEST_ACTOR, reason="withdrawn")
    before = everything()

    response = ops(client, world, "en").post(f"/office/orders/{order.reference}/confirm/")

    assert response.status_code == 409
    assert "The order&#x27;s status is cancelled: it cannot be confirmed." in main_of(response)
    assert everything() == before


def test_rejecting_needs_a_reason_and_the_dealer_reads_it(client, world, camry):  # noqa: F811
    order = place(world.dealer, camry, OrderStatus.SUBMITTED)
    page = ops(client, world)
    before = everything()

    refused = page.post(f"/office/orders/{order.reference}/reject/", {"reason": " "})
    assert refused.status_code == 400
    assert 'data-testid="refusal"' in main_of(refused)
    assert everything() == before

    done = page.post(f"/office/orders/{order.reference}/reject/", {"reason": "今月の枠がありません"})
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.REJECTED
    dealer_view = main_of(page_client(client, world.users["dealer_sales"]).get(f"/orders/{order.reference}/"))
    assert "今月の枠がありません" in dealer_view
    assert "輸入元の担当者" in dealer_view  # the importer's staff by kind, never by name
    assert "ops" not in dealer_view


def test_a_bulk_preview_lists_exactly_what_will_change_and_changes_nothing(client, world, camry):  # noqa: F811
    first = place(world.dealer, camry, OrderStatus.SUBMITTED)
    second = place(world.other_dealer, camry, OrderStatus.SUBMITTED)
    untouched = place(world.dealer, camry, OrderStatus.SUBMITTED)
    before = everything()

    response = ops(client, world, "en").post(
        "/office/orders/bulk-confirm/",
        {"references": [second.reference, first.reference.lower()], "step": "preview", "filters": ""},
    )

    assert response.status_code == 200
    text = main_of(response)
    assert "Confirm 2 orders?" in text
    assert re.findall(r'data-testid="preview-row-([A-Z0-9-]+)"', text) == [first.reference, second.reference]
    assert untouched.reference not in text
    assert "status: submitted → <strong>confirmed</strong>" in text
    assert f"USD/JPY locked: — → <strong>152.3400 ({today().isoformat()})</strong>" in text
    assert f"total (JPY): ¥{int(first.price_total_jpy):,} → <strong>" in text
    assert everything() == before


def _preview_and_apply(page, references: list[str], url: str = "/office/orders/bulk-confirm/", **extra):
    preview = page.post(url, {"references": references, "step": "preview", **extra})
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', text_of(preview)).group(1)
    return lambda: page.post(
        url, {"references": references, "step": "apply", "fingerprint": fingerprint, "filters": "", **extra}
    )


def test_a_bulk_confirmation_applies_to_every_order_of_the_preview(client, world, camry):  # noqa: F811
    orders = [place(world.dealer, camry, OrderStatus.SUBMITTED) for _ in range(3)]
    page = ops(client, world)
    apply = _preview_and_apply(page, [order.reference for order in orders])

    response = apply()

    assert response.status_code == 302
    for order in orders:
        order.refresh_from_db()
        assert order.status == OrderStatus.CONFIRMED
    assert "3件の注文: 確定。" in text_of(page.get(response["Location"]))


def test_a_bulk_confirmation_refuses_when_an_order_changed_since_the_preview(client, world, camry, clock):  # noqa: F811
    orders = [place(world.dealer, camry, OrderStatus.SUBMITTED) for _ in range(2)]
    page = ops(client, world, "en")
    apply = _preview_and_apply(page, [order.reference for order in orders])
    clock.advance(minutes=1)
    svc.order_amend(order=orders[1], actor=TEST_ACTOR, changes=svc.OrderChanges(priority=1))
    before = everything()

    response = apply()

    assert response.status_code == 409
    assert "These orders changed since the preview: nothing was changed." in main_of(response)
    assert everything() == before


def test_a_bulk_confirmation_is_all_or_nothing(client, world, camry, monkeypatch):  # noqa: F811
    orders = [place(world.dealer, camry, OrderStatus.SUBMITTED) for _ in range(3)]
    page = ops(client, world, "en")
    apply = _preview_and_apply(page, [order.reference for order in orders])
    before = everything()
    refused_for = max(order.pk for order in orders)  # the last one locked, after two are confirmed

    def reserve(*, order, actor):
        if order.pk == refused_for:
            raise Conflict("No quota left for this month.", code="quota_exhausted")

    monkeypatch.setattr(svc, "allocation_reserve", reserve)

    response = apply()

    assert response.status_code == 409
    reference = next(order.reference for order in orders if order.pk == refused_for)
    assert f"Order {reference}: No quota left for this month. Nothing was changed." in main_of(response)
    assert everything() == before


def test_a_bulk_action_needs_a_choice(client, world, camry):  # noqa: F811
    place(world.dealer, camry, OrderStatus.SUBMITTED)

    response = ops(client, world, "en").post("/office/orders/bulk-confirm/", {"step": "preview"})

    assert response.status_code == 400
    assert "Choose at least one order." in main_of(response)


def test_a_bulk_choice_outside_the_queue_is_refused(client, world, camry):  # noqa: F811
    draft = place(world.dealer, camry)
    submitted = place(world.dealer, camry, OrderStatus.SUBMITTED)

    response = ops(client, world, "en").post(
        "/office/orders/bulk-confirm/",
        {"references": [submitted.reference, draft.reference], "step": "preview"},
    )

    assert response.status_code == 409
    assert f"Order {draft.reference} is no longer in this queue" in main_of(response)


# --- scheduling ---------------------------------------------------------------------------------


def test_scheduling_offers_mondays_with_each_weeks_cutoff(client, world, camry):  # noqa: F811
    order = place(world.dealer, camry, OrderStatus.CONFIRMED)
    place(world.dealer, camry, OrderStatus.SUBMITTED)

    response = ops(client, world, "en").get("/office/schedule/")

    assert rows_of(response) == [order.reference]
    text = main_of(response)
    days = camry.model.change_cutoff_days
    for weeks in (1, 9, 26):
        monday = next_monday(weeks)
        cutoff = monday - dt.timedelta(days=days)
        passed = ", passed" if cutoff < today() else ""
        label = f"{monday.isoformat()} (cut-off {cutoff.isoformat()}{passed})"
        assert f'<option value="{monday.isoformat()}">{label}' in text
    assert f'value="{next_monday(27).isoformat()}"' not in text


def test_setting_a_week_schedules_the_order_and_its_cutoff_shows_to_the_dealer(client, world, camry):  # noqa: F811
    order = place(world.dealer, camry, OrderStatus.CONFIRMED)
    week = next_monday(10)

    response = ops(client, world).post(f"/office/schedule/{order.reference}/", {"week": week.isoformat()})

    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.production_week) == (OrderStatus.SCHEDULED, week)
    cutoff = week - dt.timedelta(days=camry.model.change_cutoff_days)
    dealer = main_of(page_client(client, world.users["dealer_sales"]).get(f"/orders/{order.reference}/"))
    assert f"{cutoff.isoformat()}（日本時間）まで。" in dealer  # noqa: RUF001 (Japanese parentheses)


@pytest.mark.parametrize("week", ["", "not-a-date", "{tuesday}", "{past}"])
def test_a_week_not_offered_is_refused(client, world, camry, week):  # noqa: F811
    order = place(world.dealer, camry, OrderStatus.CONFIRMED)
    value = week.format(
        tuesday=(next_monday(2) + dt.timedelta(days=1)).isoformat(), past=next_monday(-2).isoformat()
    )
    before = everything()

    response = ops(client, world, "en").post(f"/office/schedule/{order.reference}/", {"week": value})

    assert response.status_code == 400
    assert "Choose one of the weeks offered." in main_of(response)
    assert everything() == before


def test_a_bulk_schedule_previews_each_cutoff_then_schedules_them_all(client, world, camry):  # noqa: F811
    orders = [place(world.dealer, camry, OrderStatus.CONFIRMED) for _ in range(2)]
    week = next_monday(8)
    page = ops(client, world, "en")
    references = [order.reference for order in orders]

    preview = page.post(
        "/office/schedule/bulk/", {"references": references, "step": "preview", "week": week.isoformat()}
    )
    cutoff = week - dt.timedelta(days=camry.model.change_cutoff_days)
    assert f"Schedule 2 orders for the week of {week.isoformat()}?" in main_of(preview)
    assert f"change cut-off: — → <strong>{cutoff.isoformat()}</strong>" in main_of(preview)
    assert not OrderEvent.objects.filter(to_status=OrderStatus.SCHEDULED).exists()

    response = _preview_and_apply(page, references, "/office/schedule/bulk/", week=week.isoformat())()

    assert response.status_code == 302
    for order in orders:
        order.refresh_from_db()
        assert (order.status, order.production_week) == (OrderStatus.SCHEDULED, week)
