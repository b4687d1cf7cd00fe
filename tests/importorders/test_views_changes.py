"""The change-request pages: the dealer's form (/orders/<reference>/change/) and the back office's queue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from importorders.models import ChangeRequest, OrderStatus
from importorders.pipeline import order_cutoff
from importorders.services import changes
from tests.catalog.conftest import camry  # noqa: F401 - the Camry world, priced, for orders
from tests.catalog.factories import FxRateFactory
from tests.clock import today
from tests.factories import TEST_ACTOR, DealerFactory
from tests.importorders.changes import everything, install_options, place
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def orders(world, camry):  # noqa: F811
    install_options(camry)
    world.camry = camry
    world.order = place(world.dealer, camry)
    world.other_order = place(world.other_dealer, camry, customer_reference="OSK-CUST-9")
    return world


def browser(world, caller: str, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(world.users[caller])
    return client


def form_url(order) -> str:
    return f"/orders/{order.reference}/change/"


def _ask(order, **kwargs) -> ChangeRequest:
    values = {"color_code": "218", "option_codes": None, "reason": "The customer prefers black.", **kwargs}
    return changes.change_request_create(order=order, actor=TEST_ACTOR, **values)


# The dealer's form --------------------------------------------------------------------------------


def test_the_form_shows_the_build_the_cutoff_and_what_may_change(world, camry, clock):  # noqa: F811
    order = place(world.dealer, camry, OrderStatus.SCHEDULED, week_in_days=40)
    cutoff = order_cutoff(order)

    response = browser(world, "dealer_sales").get(form_url(order))

    assert response.status_code == 200
    text = response.content.decode()
    assert f"{cutoff:%Y-%m-%d} (Japan time)" in text
    assert f"{(cutoff - today()).days} days left" in text
    assert 'data-testid="color-218"' in text
    assert 'data-testid="color-3U5"' not in text
    for code in ("DASHCAM", "MUDGUARD", "RACK", "RAILS"):
        assert f'data-testid="option-{code}"' in text
    for code in ("PKG-NAV", "ROOF"):  # factory options are not offered for a change
        assert f'data-testid="option-{code}"' not in text
    assert 'data-testid="change-form"' in text


def test_the_form_reads_in_japanese(world):
    response = browser(world, "dealer_sales", "ja").get(form_url(world.order))

    text = response.content.decode()
    assert "現在の仕様" in text
    assert "変更を申請する" in text


def test_another_dealers_order_is_the_sites_404_and_the_back_office_gets_403(world):
    theirs = browser(world, "dealer_sales").get(form_url(world.other_order))
    missing = browser(world, "dealer_sales").get("/orders/XXXX-XXXX/change/")
    staff = browser(world, "operations").get(form_url(world.order))
    anonymous = Client().get(form_url(world.order))

    assert theirs.status_code == missing.status_code == 404
    assert staff.status_code == 403
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/")


def test_checking_shows_the_price_before_and_after_and_writes_nothing(world):
    snapshot = everything()

    response = browser(world, "dealer_sales").post(
        form_url(world.order), {"color": "218", "options": ["MUDGUARD"], "action": "check"}
    )

    assert response.status_code == 200
    checked = response.context["checked"]
    assert checked.option_codes == ("PKG-NAV", "MUDGUARD")  # the factory package stays
    assert checked.price_before_jpy == world.order.price_total_jpy
    text = response.content.decode()
    assert f"¥{checked.quote.total_jpy:,}" in text
    assert f"¥{world.order.price_total_jpy:,}" in text
    assert everything() == snapshot


def test_sending_without_a_reason_is_400_and_writes_nothing(world):
    snapshot = everything()

    response = browser(world, "dealer_sales").post(form_url(world.order), {"color": "218", "action": "send"})

    assert response.status_code == 400
    assert "Give a reason." in response.content.decode()
    assert everything() == snapshot


def test_a_forged_factory_option_is_400_and_writes_nothing(world):
    snapshot = everything()

    response = browser(world, "dealer_sales").post(
        form_url(world.order), {"color": "089", "options": ["ROOF"], "reason": "x", "action": "send"}
    )

    assert response.status_code == 400
    assert everything() == snapshot


def test_sending_makes_the_request_and_shows_it_pending_with_a_withdraw_button(world):
    client = browser(world, "dealer_manager")

    sent = client.post(
        form_url(world.order),
        {"color": "218", "options": ["MUDGUARD"], "reason": "雨の多い地域", "action": "send"},
    )
    page = client.get(form_url(world.order))
    request = ChangeRequest.objects.get()
    withdrawn = client.post(f"/orders/{world.order.reference}/change/{request.pk}/withdraw/")

    assert (sent.status_code, sent["Location"]) == (302, form_url(world.order))
    assert (request.color_after.code, request.option_codes_after) == ("218", ["PKG-NAV", "MUDGUARD"])
    assert (request.requested_by_label, request.reason) == ("tky-manager", "雨の多い地域")
    text = page.content.decode()
    assert 'data-testid="pending-request"' in text
    assert 'data-testid="change-form"' not in text
    assert withdrawn.status_code == 302
    request.refresh_from_db()
    assert request.status == "withdrawn"


def test_after_the_cutoff_the_form_is_closed_and_a_send_is_a_409_page(world, camry, clock):  # noqa: F811
    order = place(world.dealer, camry, OrderStatus.SCHEDULED, week_in_days=40)
    cutoff = order_cutoff(order)
    clock.set(clock.now() + (cutoff - today()) + dt.timedelta(days=1))
    FxRateFactory(rate_date=today(), rate=Decimal("150.0000"))
    client = browser(world, "dealer_sales")
    snapshot = everything()

    page = client.get(form_url(order))
    sent = client.post(form_url(order), {"color": "218", "reason": "x", "action": "send"})

    assert 'data-testid="closed"' in page.content.decode()
    assert f"The change cut-off ({cutoff:%Y-%m-%d}) has passed" in page.content.decode()
    assert sent.status_code == 409
    assert f"The change cut-off for this order was {cutoff.isoformat()}." in sent.content.decode()
    assert everything() == snapshot


def test_the_form_runs_a_constant_number_of_queries(world):
    client = browser(world, "dealer_sales")
    url = form_url(world.order)

    def decided(n):
        for _ in range(n):
            changes.change_request_withdraw(change_request=_ask(world.order), actor=TEST_ACTOR)

    # session, user, membership, the order, the trim's engine data (4), the order's requests, and
    # the template's nav and messages need nothing more
    assert_constant_queries(lambda: client.get(url), decided, expected=10, warm=True)  # + the unread count


# The back office's queue --------------------------------------------------------------------------

QUEUE = "/office/change-requests/"


def test_the_queue_lists_pending_requests_oldest_first_with_their_age(world, camry, clock):  # noqa: F811
    first = _ask(world.order)
    clock.advance(hours=3)
    second = _ask(world.other_order, option_codes=("PKG-NAV", "MUDGUARD"), color_code=None)
    decided = place(world.dealer, camry)
    changes.change_request_withdraw(change_request=_ask(decided), actor=TEST_ACTOR)
    clock.advance(minutes=5)

    response = browser(world, "operations").get(QUEUE)

    assert response.status_code == 200
    assert [row.pk for row in response.context["rows"]] == [first.pk, second.pk]
    assert [row.age for row in response.context["rows"]] == ["3 h", "5 min"]
    text = response.content.decode()
    assert "Approve" in text
    assert "Reason for refusing" in text


@pytest.mark.parametrize(
    ("query", "who"),
    [
        ("model=CAMRY", ["mine", "theirs"]),
        ("model=TUNDRA", []),
        ("dealer=OSK001", ["theirs"]),
        ("dealer=NOSUCH", None),
    ],
)
def test_the_queue_filters_by_model_and_dealer(world, query, who):
    mine, theirs = _ask(world.order), _ask(world.other_order)

    response = browser(world, "operations").get(f"{QUEUE}?{query}")

    if who is None:  # not a dealer the form offers
        assert response.status_code == 400
        return
    assert response.status_code == 200
    assert [row.pk for row in response.context["rows"]] == [
        {"mine": mine, "theirs": theirs}[w].pk for w in who
    ]


def test_the_queue_pages_with_a_cursor_keeping_the_filters(world, camry, clock):  # noqa: F811
    orders = [world.order] + [place(world.dealer, camry) for _ in range(25)]
    for order in orders:
        clock.advance(seconds=1)
        _ask(order)
    client = browser(world, "operations")

    first = client.get(f"{QUEUE}?dealer=TKY001")
    second = client.get(f"{QUEUE}?{first.context['next_query']}")

    assert len(first.context["rows"]) == 25
    assert "dealer=TKY001" in first.context["next_query"]
    assert [row.order.pk for row in second.context["rows"]] == [orders[-1].pk]
    assert second.context["next_query"] is None
    assert client.get(f"{QUEUE}?cursor=not-a-cursor").status_code == 400


def test_only_operations_see_the_queue(world):
    assert browser(world, "dealer_manager").get(QUEUE).status_code == 404
    assert browser(world, "compliance").get(QUEUE).status_code == 403
    assert browser(world, "admin").get(QUEUE).status_code == 200


def test_approving_from_the_queue_applies_it_and_returns_to_the_filtered_queue(world):
    request = _ask(world.order)
    client = browser(world, "operations")

    response = client.post(f"{QUEUE}{request.pk}/approve/", {"next": f"{QUEUE}?model=CAMRY"})

    assert (response.status_code, response["Location"]) == (302, f"{QUEUE}?model=CAMRY")
    world.order.refresh_from_db()
    assert world.order.color.code == "218"
    assert list(world.order.events.values_list("kind", flat=True))[-2:] == ["repriced", "change_approved"]


def test_refusing_needs_a_reason_and_an_outside_next_is_ignored(world):
    request = _ask(world.order)
    client = browser(world, "operations")
    snapshot = everything()

    without = client.post(f"{QUEUE}{request.pk}/refuse/", {"reason": "  "})
    assert without.status_code == 400
    assert everything() == snapshot
    refused = client.post(
        f"{QUEUE}{request.pk}/refuse/", {"reason": "No slots.", "next": "https://evil.example/"}
    )

    assert (refused.status_code, refused["Location"]) == (302, QUEUE)
    request.refresh_from_db()
    assert (request.status, request.decision_reason) == ("refused", "No slots.")


def test_a_decided_request_answers_a_409_page(world):
    request = _ask(world.order)
    changes.change_request_withdraw(change_request=request, actor=TEST_ACTOR)

    response = browser(world, "operations").post(f"{QUEUE}{request.pk}/approve/")

    assert response.status_code == 409
    assert 'data-code="change_request_decided"' in response.content.decode()


def test_a_dealer_cannot_decide(world):
    request = _ask(world.order)

    response = browser(world, "dealer_manager").post(f"{QUEUE}{request.pk}/approve/")

    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == "pending"


def test_the_queue_runs_a_constant_number_of_queries(world, camry):  # noqa: F811
    client = browser(world, "operations")

    def add(n):
        for index in range(n):
            dealer = world.dealer if index % 2 else DealerFactory()
            _ask(place(dealer, camry))

    # session, user, membership, groups, the filter's models and dealers, the page of requests
    # + the header's unread count (the exchange-rate notice is cached once warm).
    assert_constant_queries(lambda: client.get(QUEUE), add, expected=8, warm=True)
