"""The allocation pages: the dealer's panel (quota, used, waiting, ledger, accept part, chart) and
the back office's board (totals equal to the supply, override with a reason, publication)."""

from __future__ import annotations

import datetime as dt

import pytest

from importorders.models import Allocation, EntryKind, Supply
from importorders.services import allocation as alloc
from importorders.services import orders as svc
from tests.catalog.conftest import camry  # noqa: F401 - the Camry world, priced
from tests.clock import today
from tests.factories import TEST_ACTOR
from tests.importorders.pages import main_of, month, page_client, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(world, camry):  # noqa: F811
    supply = alloc.supply_set(vehicle_model=camry.model, month=month(), actor=TEST_ACTOR, lines={None: 10})
    alloc.allocation_propose(supply=supply, actor=TEST_ACTOR)
    alloc.allocation_override(
        supply=supply, actor=TEST_ACTOR, changes={world.dealer: 6, world.other_dealer: 4}, reason="Fleet deal"
    )
    alloc.allocation_publish(supply=supply, actor=TEST_ACTOR, deadline=today() + dt.timedelta(days=7))
    return Supply.objects.get(pk=supply.pk)


def test_the_dealer_sees_its_own_quota_ledger_and_waiting_orders_in_both_languages(
    client,
    world,
    camry,  # noqa: F811
    published,
):
    waiting = place(world.dealer, camry)  # a draft: submitted below without topping up the quota
    waiting = svc.order_submit(order=waiting, actor=TEST_ACTOR)
    page = page_client(client, world.users["dealer_sales"], "en")
    text = main_of(page.get("/allocation/"))
    assert "CAMRY · " + month().strftime("%Y-%m") in text
    assert 'data-testid="quota">6<' in text
    assert "Fleet deal" in text  # the override's reason, line by line
    assert waiting.reference in text
    assert "number 1 in line" in text
    assert "OSK001" not in text  # never another dealer's figure
    ja = main_of(page_client(client, world.users["dealer_sales"], "ja").get("/allocation/"))
    assert "割当枠" in ja
    assert "台帳" in ja


def test_the_dealer_accepts_part_of_a_month_and_the_rest_is_declined(client, world, published):
    page = page_client(client, world.users["dealer_manager"], "en")
    allocation = Allocation.objects.get(supply=published, dealer=world.dealer)
    response = page.post(f"/allocation/{allocation.pk}/accept/", {"units": "4"})
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert (allocation.quota, allocation.accepted, allocation.declined) == (4, 4, 2)
    assert list(allocation.entries.values_list("kind", flat=True))[-2:] == [
        EntryKind.ACCEPT,
        EntryKind.DECLINE,
    ]
    # Another dealer's allocation is the site's 404.
    other = Allocation.objects.get(supply=published, dealer=world.other_dealer)
    assert page.post(f"/allocation/{other.pk}/accept/", {"units": "1"}).status_code == 404


def test_the_board_totals_equal_the_supply_after_an_override_with_a_reason(client, world, published):
    page = page_client(client, world.users["operations"], "en")
    text = main_of(page.get(f"/allocation/board/?month={month():%Y-%m}"))
    assert 'data-testid="board-allocated">10<' in text
    assert 'data-testid="adds-up"' in text
    refused = page.post(
        f"/allocation/board/{published.pk}/override/",
        {"dealer": "TKY001", "units": "7", "from_dealer": "OSK001", "reason": " "},
    )
    assert refused.status_code == 400
    done = page.post(
        f"/allocation/board/{published.pk}/override/",
        {"dealer": "TKY001", "units": "7", "from_dealer": "OSK001", "reason": "Launch event"},
    )
    assert done.status_code == 302
    text = main_of(page.get(done["Location"]))
    assert 'data-testid="board-quota-TKY001">7<' in text
    assert 'data-testid="board-quota-OSK001">3<' in text
    assert 'data-testid="board-allocated">10<' in text
    assert 'data-testid="adds-up"' in text


def test_the_pages_are_for_their_people_only(client, world, published):
    assert page_client(client, world.users["operations"]).get("/allocation/").status_code == 404
    assert page_client(client, world.users["dealer_sales"]).get("/allocation/board/").status_code == 404
    assert page_client(client, world.users["compliance"]).get("/allocation/board/").status_code == 403


def test_quotas_export_as_csv_with_a_bom_and_import_from_shift_jis_all_or_nothing(client, world, published):
    page = page_client(client, world.users["operations"], "en")
    exported = page.get(f"/allocation/board/export.csv?month={month():%Y-%m}")
    body = exported.content.decode("utf-8")
    assert body.startswith("\ufeffmodel,month,dealer,quota\r\n")
    assert f"CAMRY,{month():%Y-%m},TKY001,6\r\n" in body

    bad = f"model,month,dealer,quota\r\nCAMRY,{month():%Y-%m},TKY001,5\r\nCAMRY,{month():%Y-%m},NOSUCH,5\r\n"
    refused = page.post("/allocation/board/import/", {"file": _upload(bad.encode("cp932"))})
    assert refused.status_code == 400
    assert "Line 3" in main_of(refused)
    assert Allocation.objects.get(supply=published, dealer=world.dealer).quota == 6

    good = f"model,month,dealer,quota\r\nCAMRY,{month():%Y-%m},TKY001,5\r\nCAMRY,{month():%Y-%m},OSK001,5\r\n"
    done = page.post("/allocation/board/import/", {"file": _upload(good.encode("cp932"))})
    assert done.status_code == 302
    tokyo = Allocation.objects.get(supply=published, dealer=world.dealer)
    assert tokyo.quota == 5
    assert tokyo.entries.last().kind == EntryKind.IMPORT


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("quotas.csv", data, content_type="text/csv")


# --- entering supply on the board ------------------------------------------------------------


def _lines(supply: Supply) -> dict:
    return {(line.plant.code if line.plant else None): line.units for line in supply.lines.all()}


def test_operations_enter_a_month_of_supply_then_change_it_per_plant(client, world, camry):  # noqa: F811
    from tests.catalog import factories as f

    f.PlantFactory(maker=camry.model.maker, code="TMMI")
    page = page_client(client, world.users["operations"], "en")
    board = main_of(page.get(f"/allocation/board/?month={month(2):%Y-%m}"))
    assert 'data-testid="supply-form"' in board
    done = page.post(
        "/allocation/board/supply/", {"model": "CAMRY", "month": f"{month(2):%Y-%m}", "units": "8"}
    )
    assert done.status_code == 302
    assert done["Location"].endswith(f"?month={month(2):%Y-%m}")
    supply = Supply.objects.get(vehicle_model=camry.model, month=month(2))
    assert _lines(supply) == {None: 8}
    assert supply.lines.get().actor_user == world.users["operations"]  # the clerk who entered it
    text = main_of(page.get(done["Location"]))
    assert 'data-testid="board-supply">8' in text

    # Proposed, then changed: the lines are replaced and the month goes back to draft.
    alloc.allocation_propose(supply=supply, actor=TEST_ACTOR)
    changed = page.post(
        "/allocation/board/supply/",
        {
            "model": "CAMRY",
            "month": f"{month(2):%Y-%m}",
            "units": "2",
            "plant": ["TMMK", "TMMI", ""],
            "plant_units": ["5", "4", ""],
        },
    )
    assert changed.status_code == 302
    supply.refresh_from_db()
    assert _lines(supply) == {None: 2, "TMMK": 5, "TMMI": 4}
    assert supply.status == "draft"
    assert 'data-testid="board-supply">11' in main_of(page.get(changed["Location"]))
    ja = main_of(page_client(client, world.users["operations"], "ja").get(changed["Location"]))
    assert "供給の入力・変更" in ja


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"model": "CAMRY", "month": "{m}", "units": "-3"}, "Units cannot be negative."),
        ({"model": "CAMRY", "month": "{m}", "units": "three"}, "Give a whole number of units."),
        ({"model": "CAMRY", "month": "2026-13", "units": "3"}, "Give a month as YYYY-MM."),
        ({"model": "CAMRY", "month": "next month", "units": "3"}, "Give a month as YYYY-MM."),
        ({"model": "NOSUCH", "month": "{m}", "units": "3"}, "Choose a model of the catalogue."),
        ({"model": "CAMRY", "month": "{m}"}, "Give the units of the month, in total or per plant."),
        (
            {"model": "CAMRY", "month": "{m}", "plant": ["NOPE"], "plant_units": ["3"]},
            "Choose a plant for each line with units.",
        ),
        (
            {"model": "CAMRY", "month": "{m}", "plant": ["TMMK", "TMMK"], "plant_units": ["3", "1"]},
            "Give each plant once.",
        ),
        (
            {"model": "CAMRY", "month": "{m}", "units": "5", "plant": ["TMMK"], "plant_units": ["-1"]},
            "Units cannot be negative.",
        ),
    ],
)
def test_bad_supply_is_a_400_with_the_reason_and_nothing_written(client, world, camry, data, field):  # noqa: F811
    alloc.supply_set(vehicle_model=camry.model, month=month(2), actor=TEST_ACTOR, lines={None: 7})
    page = page_client(client, world.users["operations"], "en")
    data = {k: (v.replace("{m}", f"{month(2):%Y-%m}") if isinstance(v, str) else v) for k, v in data.items()}
    refused = page.post("/allocation/board/supply/", data)
    assert refused.status_code == 400
    assert field in main_of(refused)
    assert Supply.objects.count() == 1
    assert _lines(Supply.objects.get()) == {None: 7}


def test_a_published_month_refuses_new_supply_with_409_and_keeps_its_own(client, world, published):
    page = page_client(client, world.users["operations"], "en")
    refused = page.post(
        "/allocation/board/supply/", {"model": "CAMRY", "month": f"{month():%Y-%m}", "units": "20"}
    )
    assert refused.status_code == 409
    assert "change it by an override with a reason" in main_of(refused)
    published.refresh_from_db()
    assert (published.status, _lines(published)) == ("published", {None: 10})


def test_supply_is_entered_by_operations_only(client, world, camry):  # noqa: F811
    data = {"model": "CAMRY", "month": f"{month(2):%Y-%m}", "units": "5"}
    assert (
        page_client(client, world.users["dealer_manager"]).post("/allocation/board/supply/", data).status_code
        == 404
    )
    assert (
        page_client(client, world.users["compliance"]).post("/allocation/board/supply/", data).status_code
        == 403
    )
    client.logout()
    assert client.post("/allocation/board/supply/", data).status_code == 302  # to the login page
    assert page_client(client, world.users["operations"]).get("/allocation/board/supply/").status_code == 405
    assert not Supply.objects.exists()
