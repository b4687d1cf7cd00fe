"""The dealer's order pages: who sees what, the list (filters, search, pages, CSV), one order and its
actions, ordering a build, and what each page costs in queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test import Client

from importorders.models import Order, OrderEvent, OrderStatus
from importorders.services import orders as svc
from tests.catalog.conftest import camry  # noqa: F401 - the Camry world, priced, for orders
from tests.clock import today
from tests.factories import TEST_ACTOR
from tests.importorders.pages import everything, main_of, month, next_monday, page_client, place, text_of
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

MISSING = "XXXX-XXXX"


@pytest.fixture
def orders(world, camry):  # noqa: F811
    """A submitted order of TKY001 and one of OSK001."""
    world.camry = camry
    world.order = place(world.dealer, camry, OrderStatus.SUBMITTED)
    world.other_order = place(
        world.other_dealer, camry, OrderStatus.SUBMITTED, customer_reference="OSK-CUST-9"
    )
    return world


def as_(client, world, caller: str, language: str = "ja"):
    return page_client(client, world.users[caller], language)


def csv_of(response) -> tuple[bytes, list[list[str]]]:
    raw = b"".join(response.streaming_content)
    return raw, list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


# --- who sees what ------------------------------------------------------------------------------


def order_pages(world) -> dict[str, str]:
    reference = world.order.reference
    return {
        "list": "/orders/",
        "export": "/orders/export.csv",
        "detail": f"/orders/{reference}/",
        "amend": f"/orders/{reference}/edit/",
        "new": f"/orders/new/?trim={world.camry.trim.code}&color=089",
    }


@pytest.mark.parametrize("page", ["list", "export", "detail", "amend", "new"])
def test_anonymous_is_sent_to_the_login_page(client, orders, page):
    url = order_pages(orders)[page]

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("page", ["list", "export", "detail", "amend", "new"])
def test_a_user_without_dealer_or_role_gets_404(client, orders, user, page):
    response = page_client(client, user).get(order_pages(orders)[page])

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("caller", "expected"),
    [
        ("dealer_sales", {"list": 200, "export": 200, "detail": 200, "amend": 200, "new": 200}),
        ("dealer_manager", {"list": 200, "export": 200, "detail": 200, "amend": 200, "new": 200}),
        ("other_dealer", {"list": 200, "export": 200, "detail": 404, "amend": 404, "new": 200}),
        ("operations", {"list": 200, "export": 200, "detail": 200, "amend": 403, "new": 403}),
        ("compliance", {"list": 200, "export": 200, "detail": 200, "amend": 403, "new": 403}),
    ],
)
def test_each_caller_gets_each_page(client, orders, caller, expected):
    pages = order_pages(orders)
    got = {name: as_(client, orders, caller).get(url).status_code for name, url in pages.items()}

    assert got == expected


def test_another_dealers_order_is_the_sites_404_exactly_like_a_missing_one(client, orders):
    dealer = as_(client, orders, "other_dealer")

    theirs = dealer.get(f"/orders/{orders.order.reference}/")
    missing = dealer.get(f"/orders/{MISSING}/")

    assert theirs.status_code == missing.status_code == 404
    assert main_of(theirs) == main_of(missing)
    assert orders.order.reference not in main_of(theirs)


@pytest.mark.parametrize("action", ["submit", "cancel", "edit"])
def test_acting_on_another_dealers_order_is_404_and_changes_nothing(client, world, camry, action):  # noqa: F811
    draft = place(world.dealer, camry)
    before = everything()

    response = as_(client, world, "other_dealer").post(
        f"/orders/{draft.reference}/{action}/", {"reason": "x", "kind": "stock", "requested_month": "2099-01"}
    )

    assert response.status_code == 404
    assert everything() == before


def test_the_list_shows_only_the_callers_dealer_and_staff_see_all_with_a_dealer_filter(client, orders):
    own = text_of(as_(client, orders, "dealer_sales").get("/orders/"))
    staff = text_of(as_(client, orders, "operations").get("/orders/"))
    staff_osk = text_of(as_(client, orders, "operations").get("/orders/?dealer=OSK001"))

    assert orders.order.reference in own
    assert orders.other_order.reference not in own
    assert "OSK001" not in own  # no dealer filter, no other dealer's name
    assert orders.order.reference in staff
    assert orders.other_order.reference in staff
    assert 'data-testid="filter-dealer"' in staff
    assert orders.other_order.reference in staff_osk
    assert orders.order.reference not in staff_osk


def test_a_dealer_cannot_reach_another_dealer_through_the_dealer_filter(client, orders):
    response = as_(client, orders, "dealer_sales").get("/orders/?dealer=OSK001")

    # The dealer filter does not exist for a dealer: the query is its own orders only.
    assert response.status_code == 200
    assert orders.other_order.reference not in text_of(response)


def test_the_header_links_orders_for_dealers_and_staff_and_queues_for_operations(client, orders):
    dealer = text_of(as_(client, orders, "dealer_sales").get("/orders/"))
    operations = text_of(as_(client, orders, "operations").get("/office/schedule/"))
    compliance = text_of(as_(client, orders, "compliance").get("/"))

    assert 'data-testid="nav-orders" aria-current="page">注文</a>' in dealer
    assert 'data-testid="nav-office"' not in dealer
    assert 'data-testid="nav-office">注文確定</a>' in operations  # not current: another page of /office/
    assert 'data-testid="nav-office-schedule" aria-current="page">生産週の設定</a>' in operations
    assert 'data-testid="nav-orders"' in compliance
    assert 'data-testid="nav-office"' not in compliance


# --- the list -----------------------------------------------------------------------------------


def test_filters_by_status_model_month_and_kind(client, world, camry):  # noqa: F811
    draft = place(world.dealer, camry, customer_reference="A-1")
    submitted = place(world.dealer, camry, OrderStatus.SUBMITTED, requested_month=month(2))
    stock = place(world.dealer, camry, kind="stock", customer_reference="")
    dealer = as_(client, world, "dealer_sales")

    def shown(query: str) -> set[str]:
        text = text_of(dealer.get(f"/orders/?{query}"))
        return {ref for ref in (draft.reference, submitted.reference, stock.reference) if ref in text}

    assert shown("status=submitted") == {submitted.reference}
    assert shown("status=draft&kind=stock") == {stock.reference}
    assert shown(f"month={month(2):%Y-%m}") == {submitted.reference}
    assert shown("model=CAMRY") == {draft.reference, submitted.reference, stock.reference}
    assert shown("model=TUNDRA") == set()
    assert shown("kind=sold&model=&month=") == {draft.reference, submitted.reference}  # empty means any


def test_search_finds_a_reference_as_typed_and_a_customer_reference_in_any_case(client, world, camry):  # noqa: F811
    order = place(world.dealer, camry, customer_reference="Yamada-0042")
    other = place(world.dealer, camry, customer_reference="SUZUKI-7")
    dealer = as_(client, world, "dealer_sales")
    typed = order.reference.replace("-", "").lower()

    for query in (typed, f" {order.reference[:4]} {order.reference[5:]} ", "yamada", "YAMADA-00"):
        text = text_of(dealer.get("/orders/", {"q": query}))
        assert order.reference in text, query
        assert other.reference not in text, query
    assert 'data-testid="no-orders"' in text_of(dealer.get("/orders/", {"q": "amada"}))  # a prefix only


def test_a_bad_filter_is_400_with_its_message_and_no_rows(client, orders):
    response = as_(client, orders, "dealer_sales").get("/orders/?month=2027-13&status=nonsense")

    assert response.status_code == 400
    text = main_of(response)
    assert "YYYY-MM" in text
    assert 'data-testid="filter-errors"' in text
    assert orders.order.reference not in text


def test_a_bad_cursor_is_400_not_500(client, orders):
    response = as_(client, orders, "dealer_sales").get("/orders/?cursor=not-a-cursor")

    assert response.status_code == 400


def test_pages_newest_first_and_the_next_page_keeps_every_filter(client, world, camry, clock):  # noqa: F811
    placed = []
    for _ in range(30):
        clock.advance(minutes=1)
        placed.append(place(world.dealer, camry, kind="stock", customer_reference=""))
    place(world.dealer, camry)  # a sold one: filtered out
    dealer = as_(client, world, "dealer_sales")

    first = text_of(dealer.get("/orders/?kind=stock&status=draft"))
    newest = [order.reference for order in reversed(placed)]
    shown = re.findall(r'data-testid="order-row-([A-Z0-9-]+)"', first)
    assert shown == newest[:25]
    link = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert link.startswith("/orders/?")
    assert "kind=stock" in link
    assert "status=draft" in link
    assert "cursor=" in link
    # A new order does not shift the second page (a cursor, not an offset).
    clock.advance(minutes=1)
    place(world.dealer, camry, kind="stock", customer_reference="")
    second = text_of(dealer.get(link))
    assert re.findall(r'data-testid="order-row-([A-Z0-9-]+)"', second) == newest[25:]


def test_the_language_switch_returns_to_the_same_list_with_its_query(client, orders):
    dealer = as_(client, orders, "dealer_sales")
    url = "/orders/?status=submitted&q=cust"

    page = text_of(dealer.get(url))
    assert '<input name="next" type="hidden" value="/orders/?status=submitted&amp;q=cust">' in page
    switched = dealer.post("/i18n/setlang/", {"language": "en", "next": "/orders/?status=submitted&q=cust"})

    assert switched.status_code == 302
    assert switched["Location"] == url
    assert "Orders" in text_of(dealer.get(switched["Location"]))


@pytest.mark.parametrize("caller", ["dealer_sales", "operations"])
def test_the_list_runs_the_same_queries_for_a_dozen_and_fifty_orders(client, world, camry, caller):  # noqa: F811
    page = as_(client, world, caller)
    dealers = [world.dealer, world.other_dealer]

    def add(count: int) -> None:
        for index in range(count):
            place(dealers[index % 2], camry, OrderStatus.SUBMITTED if index % 3 else OrderStatus.DRAFT)

    # session, user, membership (the caller), [staff: groups], models (choices), [staff: dealers], the page.
    # + the header's unread count (the exchange-rate notice for operations is cached once warm).
    expected = 6 if caller == "dealer_sales" else 8
    assert_constant_queries(
        lambda: page.get("/orders/?q=cust&kind=sold"), add, expected=expected, few=12, many=50, warm=True
    )


# --- the CSV export -----------------------------------------------------------------------------


def test_the_export_is_exactly_the_filtered_list_for_excel(client, world, camry):  # noqa: F811
    sold = [place(world.dealer, camry, customer_reference=f"C-{n}") for n in range(30)]
    stock = place(world.dealer, camry, kind="stock", customer_reference="")
    place(world.other_dealer, camry)

    response = as_(client, world, "dealer_sales").get("/orders/export.csv?kind=sold")

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="orders-')
    raw, rows = csv_of(response)
    assert raw.startswith("\ufeff".encode())
    assert raw.count(b"\r\n") == 31
    assert raw.count(b"\n") == 31
    assert rows[0][:6] == ["注文番号", "販売店", "販売店名", "状態", "種別", "顧客管理番号"]
    exported = [row[0] for row in rows[1:]]
    assert exported == [order.reference for order in reversed(sold)]  # all 30, newest first, no stock
    assert stock.reference not in exported
    assert rows[1][3:5] == ["下書き", "受注（顧客あり）"]  # noqa: RUF001 (Japanese parentheses)


def test_the_export_speaks_english_on_an_english_page_and_keeps_formulas_as_text(client, world, camry):  # noqa: F811
    order = place(world.dealer, camry, customer_reference="=HYPERLINK(1)")

    response = as_(client, world, "dealer_sales", "en").get("/orders/export.csv")

    _raw, rows = csv_of(response)
    assert rows[0][:4] == ["Reference", "Dealer", "Dealer name", "Status"]
    assert rows[1][0] == order.reference
    assert rows[1][5] == "'=HYPERLINK(1)"


def test_a_bad_export_query_is_400(client, orders):
    assert as_(client, orders, "dealer_sales").get("/orders/export.csv?month=13").status_code == 400


@pytest.mark.parametrize("caller", ["dealer_sales", "operations"])
def test_the_export_runs_the_same_queries_for_a_dozen_and_fifty_orders(client, world, camry, caller):  # noqa: F811
    page = as_(client, world, caller)

    def add(count: int) -> None:
        for _ in range(count):
            place(world.dealer, camry)

    def export() -> None:
        b"".join(page.get("/orders/export.csv?status=draft").streaming_content)

    # session, user, membership (the caller), [staff: groups], the rows (the choices are not read).
    assert_constant_queries(export, add, expected=4 if caller == "dealer_sales" else 5, few=12, many=50)


# --- one order ----------------------------------------------------------------------------------


def test_a_draft_shows_its_build_terms_and_the_moves_its_dealer_may_make(client, world, camry):  # noqa: F811
    draft = place(world.dealer, camry, notes="白いナンバー枠", priority=7)

    text = main_of(as_(client, world, "dealer_sales").get(f"/orders/{draft.reference}/"))

    assert 'data-status="draft">下書き</span>' in text
    assert "CAMRY-26-XSE" in text
    assert "(089)" in text
    assert "(PKG-NAV)" in text
    assert 'data-testid="order-kind">受注（顧客あり）</dd>' in text  # noqa: RUF001 (Japanese parentheses)
    assert 'data-testid="order-customer">CUST-001</dd>' in text
    assert f'data-testid="order-month">{month():%Y-%m}</dd>' in text
    assert 'data-testid="order-priority">7</dd>' in text
    assert "白いナンバー枠" in text
    assert "下書きは提出時に価格が計算されます。" in text
    assert 'data-testid="action-submit"' in text
    assert 'data-testid="action-amend"' in text
    assert 'data-testid="action-cancel"' in text
    assert "生産週の決定時に設定されます" in text


def test_a_scheduled_order_shows_its_locked_price_week_and_cutoff_countdown(client, world, camry):  # noqa: F811
    week = next_monday(9)
    order = place(world.dealer, camry, OrderStatus.SCHEDULED, week=week)
    cutoff = week - dt.timedelta(days=camry.model.change_cutoff_days)
    days = (cutoff - today()).days

    ja = main_of(as_(client, world, "dealer_sales").get(f"/orders/{order.reference}/"))
    en = main_of(as_(client, world, "dealer_sales", "en").get(f"/orders/{order.reference}/"))

    assert f"残り{days}日、{cutoff.isoformat()}（日本時間）まで。" in ja  # noqa: RUF001 (Japanese parentheses)
    assert f"{days} days left, until {cutoff.isoformat()} (JST)." in en
    assert f"week of {week.isoformat()}" in en
    assert f'data-testid="order-total">¥{int(order.price_total_jpy):,}</strong>' in en
    assert (
        f"1 USD = ¥{order.fx_rate} (rate of {order.fx_rate_date.isoformat()}), locked at confirmation" in en
    )
    assert "Total landed cost" in en
    assert "submitted → confirmed" in en
    assert "confirmed → scheduled" in en
    assert f"production week: {week.isoformat()}" in en
    assert 'data-testid="action-submit"' not in en
    assert 'data-testid="action-amend"' not in en
    assert 'data-testid="action-cancel"' in en


def test_past_the_cutoff_cancelling_is_shown_as_not_possible_with_the_date(client, world, camry, clock):  # noqa: F811
    week = next_monday(9)
    order = place(world.dealer, camry, OrderStatus.SCHEDULED, week=week)
    cutoff = week - dt.timedelta(days=camry.model.change_cutoff_days)
    clock.advance(days=(cutoff - today()).days + 1)
    dealer = as_(client, world, "dealer_sales", "en")

    text = main_of(dealer.get(f"/orders/{order.reference}/"))
    assert 'data-testid="action-cancel"' not in text
    assert f"Cancelling is no longer possible: the change cut-off was {cutoff.isoformat()} (JST)." in text
    assert f"The change cut-off passed on {cutoff.isoformat()} (JST)." in text

    before = everything()
    refused = dealer.post(f"/orders/{order.reference}/cancel/", {"reason": "customer withdrew"})
    assert refused.status_code == 409
    assert f"The change cut-off for this order was {cutoff.isoformat()}." in main_of(refused)
    assert everything() == before


def test_the_timeline_shows_who_from_to_reasons_and_before_after_of_amendments(client, world, camry):  # noqa: F811
    order = place(world.dealer, camry, OrderStatus.SUBMITTED)
    sales = world.users["dealer_sales"]
    svc.order_amend(
        order=order,
        actor=TEST_ACTOR.for_user(sales),
        changes=svc.OrderChanges(color_code="218", priority=3),
    )
    svc.order_reject(
        order=order, actor=TEST_ACTOR.for_user(world.users["operations"]), reason="枠がありません"
    )

    text = main_of(as_(client, world, "dealer_sales", "en").get(f"/orders/{order.reference}/"))

    assert "Amended" in text
    assert "colour: 089 → 218" in text
    assert "priority: 100 → 3" in text
    assert "Re-priced" in text
    assert re.search(r"total \(JPY\): ¥[\d,]+ → ¥[\d,]+", text)
    assert "submitted → rejected" in text
    assert "reason: 枠がありません" in text
    assert sales.get_username() in text  # the dealer's own person by name
    assert "ops" not in text
    assert "Importer staff" in text


def test_submitting_a_draft_prices_it_and_returns_to_its_page(client, world, camry):  # noqa: F811
    draft = place(world.dealer, camry)
    dealer = as_(client, world, "dealer_sales")

    response = dealer.post(f"/orders/{draft.reference}/submit/")

    assert response.status_code == 302
    assert response["Location"] == f"/orders/{draft.reference}/"
    draft.refresh_from_db()
    assert draft.status == OrderStatus.SUBMITTED
    assert draft.price_total_jpy is not None
    page = main_of(dealer.get(response["Location"]))
    assert f"注文 {draft.reference}: 提出。" in page
    assert 'data-status="submitted">提出済み</span>' in page


def test_a_move_the_state_forbids_is_a_409_page_with_the_message_and_changes_nothing(client, world, camry):  # noqa: F811
    order = place(world.dealer, camry, OrderStatus.CONFIRMED)
    before = everything()

    response = as_(client, world, "dealer_sales", "en").post(f"/orders/{order.reference}/submit/")

    assert response.status_code == 409
    text = main_of(response)
    assert 'data-testid="refusal" data-code="move_not_allowed"' in text
    assert "The order&#x27;s status is confirmed: it cannot be submitted." in text
    assert everything() == before


def test_cancelling_needs_a_reason_and_records_it(client, world, camry):  # noqa: F811
    order = place(world.dealer, camry, OrderStatus.SUBMITTED)
    dealer = as_(client, world, "dealer_sales")
    before = everything()

    refused = dealer.post(f"/orders/{order.reference}/cancel/", {"reason": "   "})
    assert refused.status_code == 400
    assert "理由" in main_of(refused)
    assert everything() == before

    done = dealer.post(f"/orders/{order.reference}/cancel/", {"reason": "お客様のご都合"})
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.events.last().reason == "お客様のご都合"


def test_the_back_office_may_not_make_the_dealers_moves(client, world, camry):  # noqa: F811
    draft = place(world.dealer, camry)
    before = everything()

    response = as_(client, world, "operations").post(f"/orders/{draft.reference}/submit/")

    assert response.status_code == 403
    assert everything() == before


def test_a_post_without_the_csrf_token_is_refused_without_a_500(world, camry):  # noqa: F811
    draft = place(world.dealer, camry)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.users["dealer_sales"])
    before = everything()

    response = browser.post(f"/orders/{draft.reference}/submit/")

    assert response.status_code == 403
    assert everything() == before


def test_amending_changes_the_terms_and_a_broken_rule_is_shown_beside_its_field(client, world, camry):  # noqa: F811
    order = place(world.dealer, camry, OrderStatus.SUBMITTED)
    dealer = as_(client, world, "dealer_sales")
    form = {
        "color": "089",
        "options": ["PKG-NAV"],
        "kind": "sold",
        "customer_reference": "CUST-001",
        "requested_month": f"{month(3):%Y-%m}",
        "priority": "5",
        "notes": "早めに",
    }
    assert 'value="CUST-001"' in main_of(dealer.get(f"/orders/{order.reference}/edit/"))

    before = everything()
    refused = dealer.post(f"/orders/{order.reference}/edit/", {**form, "customer_reference": ""})
    assert refused.status_code == 400
    assert 'data-testid="error-customer_reference"' in main_of(refused)
    assert everything() == before

    done = dealer.post(f"/orders/{order.reference}/edit/", form)
    assert done.status_code == 302
    order.refresh_from_db()
    assert (order.priority, order.notes, order.requested_month) == (5, "早めに", month(3))
    assert order.events.filter(kind=OrderEvent.Kind.AMENDED).count() == 1


def test_amending_the_build_rechecks_and_reprices_it_and_a_broken_build_saves_nothing(client, world, camry):  # noqa: F811
    order = place(world.dealer, camry, OrderStatus.SUBMITTED)
    dealer = as_(client, world, "dealer_sales")
    terms = {
        "kind": "sold",
        "customer_reference": "CUST-001",
        "requested_month": f"{order.requested_month:%Y-%m}",
        "priority": "100",
    }
    page = main_of(dealer.get(f"/orders/{order.reference}/edit/"))
    # The trim's colours and options are offered, the order's own chosen.
    assert 'value="218"' in page
    assert 'value="ROOF"' in page
    assert 'value="LE-CLOTH"' not in page  # another trim's option
    assert 'data-testid="amend-configurator"' in page

    before = everything()
    broken = dealer.post(
        f"/orders/{order.reference}/edit/", {**terms, "color": "089", "options": ["PKG-NAV", "ROOF", "RACK"]}
    )
    assert broken.status_code == 400
    text = main_of(broken)
    assert 'data-testid="rule-errors"' in text
    assert everything() == before

    total_before = order.price_total_jpy
    done = dealer.post(
        f"/orders/{order.reference}/edit/", {**terms, "color": "218", "options": ["PKG-NAV", "ROOF"]}
    )
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.color.code == "218"
    assert "ROOF" in order.option_codes
    assert order.price_total_jpy != total_before  # a submitted order is re-priced
    event = order.events.filter(kind=OrderEvent.Kind.AMENDED).get()
    assert "option_codes" in event.changes or "options" in event.changes


def test_a_confirmed_order_cannot_be_amended_here(client, world, camry):  # noqa: F811
    order = place(world.dealer, camry, OrderStatus.CONFIRMED)
    dealer = as_(client, world, "dealer_sales")

    assert dealer.get(f"/orders/{order.reference}/edit/").status_code == 409
    before = everything()
    response = dealer.post(
        f"/orders/{order.reference}/edit/",
        {"kind": "stock", "requested_month": f"{month():%Y-%m}", "priority": "1"},
    )
    assert response.status_code == 409
    assert 'data-code="not_amendable"' in main_of(response)
    assert everything() == before


@pytest.mark.parametrize("caller", ["dealer_sales", "operations"])
def test_the_order_page_runs_the_same_queries_however_long_its_timeline(client, world, camry, caller):  # noqa: F811
    order = place(world.dealer, camry, OrderStatus.SUBMITTED)
    page = as_(client, world, caller)

    def add(count: int) -> None:
        for n in range(count):
            svc.order_amend(order=order, actor=TEST_ACTOR, changes=svc.OrderChanges(priority=200 + n))

    # session, user, membership, [staff: groups], the order, its options' names, its events, the maker.
    # + the header's unread count and the watch button (the exchange-rate notice is cached once warm).
    expected = 9 if caller == "dealer_sales" else 10
    assert_constant_queries(
        lambda: page.get(f"/orders/{order.reference}/"), add, expected=expected, warm=True
    )


# --- ordering a build ---------------------------------------------------------------------------


def test_the_configurator_offers_order_this_build_to_dealers_only(client, world, camry):  # noqa: F811
    url = f"/catalog/trims/{camry.trim.code}/configure/?color=089&options=PKG-NAV"

    dealer = main_of(as_(client, world, "dealer_sales").get(url))
    staff = main_of(as_(client, world, "operations").get(url))

    link = f'href="/orders/new/?trim={camry.trim.code}&amp;color=089&amp;options=PKG-NAV"'
    assert f'{link} data-testid="order-build"' in dealer
    assert 'data-testid="order-build"' not in staff
    quote = main_of(as_(client, world, "dealer_sales").get(url.replace("configure", "quote")))
    assert 'data-testid="order-build"' in quote


def test_the_new_order_form_shows_the_build_read_only_with_next_month_by_default(client, world, camry):  # noqa: F811
    response = as_(client, world, "dealer_sales").get(
        f"/orders/new/?trim={camry.trim.code}&color=089&options=PKG-NAV"
    )

    text = main_of(response)
    assert response.status_code == 200
    assert 'data-testid="new-color">' in text
    assert "(089)" in text
    assert "(PKG-NAV)" in text
    assert f'name="requested_month" value="{month():%Y-%m}"' in text
    assert 'name="kind" value="stock"' in text
    assert "checked" in text
    assert '<input type="hidden" name="options" value="PKG-NAV"' in text


def test_a_broken_build_is_shown_with_its_rules_and_cannot_be_ordered(client, world, camry):  # noqa: F811
    dealer = as_(client, world, "dealer_sales")
    url = f"/orders/new/?trim={camry.trim.code}&color=089&options=ROOF&options=RACK"

    page = dealer.get(url)
    assert page.status_code == 400
    assert 'data-testid="rule-errors"' in main_of(page)
    assert 'data-testid="create-draft" disabled' in main_of(page)

    before = everything()
    posted = dealer.post(
        "/orders/new/",
        {
            "trim": camry.trim.code,
            "color": "089",
            "options": ["ROOF", "RACK"],
            "kind": "stock",
            "requested_month": f"{month():%Y-%m}",
            "priority": "100",
        },
    )
    assert posted.status_code == 400
    assert 'data-testid="rule-errors"' in main_of(posted)
    assert everything() == before


def test_ordering_creates_a_draft_of_the_callers_dealer_and_shows_it(client, world, camry):  # noqa: F811
    dealer = as_(client, world, "dealer_sales")
    form = {
        "trim": camry.trim.code,
        "color": "218",
        "options": ["PKG-NAV"],
        "kind": "sold",
        "customer_reference": "",
        "promised_date": "",
        "requested_month": f"{month(2):%Y-%m}",
        "priority": "10",
        "notes": "",
        "dealer": "OSK001",  # ignored: the dealer is the caller's
    }

    refused = dealer.post("/orders/new/", form)
    assert refused.status_code == 400
    assert 'data-testid="error-customer_reference"' in main_of(refused)
    assert not Order.objects.exists()

    created = dealer.post("/orders/new/", {**form, "customer_reference": "佐藤様"})
    order = Order.objects.get()
    assert created.status_code == 302
    assert created["Location"] == f"/orders/{order.reference}/"
    assert (order.dealer, order.status, order.color.code, order.option_codes) == (
        world.dealer,
        OrderStatus.DRAFT,
        "218",
        ["PKG-NAV"],
    )
    assert (order.customer_reference, order.requested_month, order.priority) == ("佐藤様", month(2), 10)
    page = main_of(dealer.get(created["Location"]))
    assert f"下書き注文 {order.reference} を作成しました。" in page
    assert 'data-testid="action-submit"' in page


def test_a_month_that_has_passed_is_refused_beside_its_field(client, world, camry):  # noqa: F811
    response = as_(client, world, "dealer_sales", "en").post(
        "/orders/new/",
        {
            "trim": camry.trim.code,
            "color": "089",
            "kind": "stock",
            "requested_month": f"{month(-1):%Y-%m}",
            "priority": "100",
        },
    )

    assert response.status_code == 400
    assert "The requested month has passed." in main_of(response)
    assert not Order.objects.exists()


def test_an_unknown_trim_is_the_sites_404(client, world, camry):  # noqa: F811
    assert as_(client, world, "dealer_sales").get("/orders/new/?trim=NOPE&color=089").status_code == 404


# --- indexes ------------------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's")
@pytest.mark.parametrize(
    ("caller", "query", "index"),
    [
        # A dealer's search walks its own orders by the dealer's index (or the search's): no scan.
        ("dealer_sales", {"q": "cust"}, None),
        ("operations", {"q": "Cust-0"}, "order_customer_ref_ci"),
        ("operations", {"dealer": "OSK001"}, None),
    ],
)
def test_the_portals_own_filters_use_their_index(orders, caller, query, index):
    from importorders.forms import PortalOrderFilter
    from importorders.identity import caller_for_user
    from importorders.selectors.orders import order_list

    who = caller_for_user(orders.users[caller])
    filterset = PortalOrderFilter(query, queryset=order_list(caller=who), caller=who)
    assert filterset.is_valid(), filterset.errors
    sql, params = filterset.qs[:26].query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")

    assert index is None or index in plan, plan
    assert "Seq Scan on importorders_order" not in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's")
def test_the_back_office_queue_is_read_through_an_index(orders):
    from importorders.identity import caller_for_user
    from importorders.selectors.orders import order_list

    who = caller_for_user(orders.users["operations"])
    queryset = order_list(caller=who).filter(status="submitted").order_by("status_changed_at", "id")[:26]
    sql, params = queryset.query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")

    # On a few rows the planner may sort after another index; what matters is that it never scans.
    assert "Seq Scan on importorders_order" not in plan, plan


def test_the_change_request_link_shows_while_a_change_may_be_asked(client, world, camry, clock):  # noqa: F811
    confirmed = place(world.dealer, camry, OrderStatus.CONFIRMED)
    scheduled = place(world.dealer, camry, OrderStatus.SCHEDULED, week=next_monday(8))
    draft = place(world.dealer, camry)
    link = 'data-testid="action-change-request"'

    def shown(caller: str, order) -> bool:
        return link in main_of(as_(client, world, caller).get(f"/orders/{order.reference}/"))

    assert shown("dealer_sales", confirmed)
    assert shown("dealer_sales", scheduled)
    assert not shown("dealer_sales", draft)  # a draft is amended, not changed by request
    assert not shown("operations", confirmed)  # the back office decides requests, never asks
    # Past the scheduled order's cut-off (the model's days before its week) the link is gone.
    clock.advance(dt.timedelta(days=8 * 7))
    assert not shown("dealer_sales", scheduled)
