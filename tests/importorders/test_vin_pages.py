"""The back office's VIN pages: who may open them, the queue's filters and paging, a row's errors
naming the position, and the build-list upload (every bad row by line, the count on success)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from importorders.models import OrderStatus, Vehicle
from importorders.views import vins as pages
from tests.catalog.conftest import camry  # noqa: F401 - the Camry world, priced, for orders
from tests.importorders.vins import everything, scheduled, vin_for, vin_plant  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(world, camry, vin_plant):  # noqa: F811
    """Three scheduled orders (two dealers), and the operations clerk's browser, in English."""
    world.scheduled = [scheduled(world.dealer, camry), scheduled(world.other_dealer, camry)]
    world.scheduled.append(scheduled(world.dealer, camry))
    return world


def browser(world, caller: str = "operations", language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(world.users[caller])
    return client


@pytest.mark.parametrize(
    ("caller", "status"),
    [
        ("operations", 200),
        ("admin", 200),
        ("compliance", 403),
        ("dealer_manager", 404),
        ("other_dealer", 404),
    ],
)
@pytest.mark.parametrize("path", ["/office/vins/", "/office/vins/upload/"])
def test_only_operations_open_the_vin_pages(queue, caller, status, path):
    assert browser(queue, caller).get(path).status_code == status


def test_anonymous_goes_to_the_login_page(queue):
    response = Client().get("/office/vins/?model=CAMRY")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/office/vins/")


def test_the_queue_lists_scheduled_orders_and_the_vin_they_expect(queue):
    page = browser(queue).get("/office/vins/").content.decode()

    for order in queue.scheduled:
        assert f'data-testid="vin-row-{order.reference}"' in page
    assert "WMI 4T1 · year T (10) · plant U (11)" in page
    assert 'data-testid="nav-office"' in page


def test_the_queue_filters_by_model_and_week_and_pages_with_a_cursor(queue, camry, monkeypatch):  # noqa: F811
    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    week = queue.scheduled[0].production_week
    client = browser(queue)

    typed_week = (week + dt.timedelta(days=3)).isoformat()  # any day of the week
    first = client.get(f"/office/vins/?model=CAMRY&week={typed_week}")
    body = first.content.decode()
    assert body.count('data-testid="vin-row-') == 2
    next_link = (
        body.split('data-testid="vin-next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    )
    second = client.get(next_link).content.decode()
    other_model = client.get("/office/vins/?model=TUNDRA").content.decode()

    assert next_link.startswith(f"/office/vins/?model=CAMRY&week={typed_week}&cursor=")
    assert second.count('data-testid="vin-row-') == 1
    seen = {r.reference for r in queue.scheduled if f"vin-row-{r.reference}" in body + second}
    assert seen == {r.reference for r in queue.scheduled}
    assert 'data-testid="vin-empty"' in other_model


@pytest.mark.parametrize("query", ["week=2027-02-30", "cursor=garbage", "model=NOSUCH"])
def test_bad_filters_answer_400_with_the_message_not_500(queue, query):
    response = browser(queue).get(f"/office/vins/?{query}")

    assert response.status_code == 400
    assert 'data-testid="vin-filter-errors"' in response.content.decode()


def _assign(client, order, vin, **extra):
    return client.post("/office/vins/assign/", {"reference": order.reference, "vin": vin, **extra})


def test_assigning_a_row_builds_the_order_and_comes_back_to_the_same_filters(queue):
    order = queue.scheduled[0]

    response = _assign(browser(queue), order, vin_for(61).lower(), model="CAMRY")

    assert response.status_code == 302
    assert response["Location"] == "/office/vins/?model=CAMRY"
    assert Vehicle.objects.get(order=order).vin == vin_for(61)
    order.refresh_from_db()
    assert order.status == OrderStatus.BUILT
    follow = browser(queue).get(response["Location"])
    assert f"vin-row-{order.reference}" not in follow.content.decode()


@pytest.mark.parametrize(
    ("vin", "status", "shown"),
    [
        (vin_for(62, letter="S"), 400, "Position 11 (plant) is S; expected U."),
        (vin_for(62, wmi="5TD"), 400, "Positions 1-3 (manufacturer identifier) are 5TD; expected 4T1."),
        ("4T1DAACK", 400, "A VIN has 17 characters; this one has 8."),
        ("USED", 409, "is already assigned to another vehicle"),
    ],
)
def test_a_refused_vin_is_shown_on_its_row_and_writes_nothing(queue, vin, status, shown):
    if vin == "USED":
        _assign(browser(queue), queue.scheduled[1], vin_for(63))
        vin = vin_for(63)
    order = queue.scheduled[0]
    snapshot = everything()

    response = _assign(browser(queue), order, vin)

    assert response.status_code == status
    page = response.content.decode()
    row = page.split(f'data-testid="vin-row-{order.reference}"')[1].split("</article>")[0]
    assert shown in row
    assert f'value="{vin}"' in row  # what the clerk typed stays in the field
    assert everything() == snapshot


def test_a_row_error_reads_in_japanese(queue):
    response = _assign(browser(queue, language="ja"), queue.scheduled[0], vin_for(64, letter="S"))

    assert "11桁目\uff08工場\uff09が S です。正しくは U です。" in response.content.decode()


def test_another_dealers_or_a_missing_order_is_the_sites_404(queue):
    response = browser(queue).post("/office/vins/assign/", {"reference": "XXXX-XXXX", "vin": vin_for(65)})

    assert response.status_code == 404


def _upload(client, content: bytes):
    return client.post("/office/vins/upload/", {"file": SimpleUploadedFile("build.csv", content)})


def test_uploading_a_build_list_assigns_and_says_how_many(queue):
    lines = [
        "reference,VIN,build date",
        *(f"{o.reference},{vin_for(70 + i)}," for i, o in enumerate(queue.scheduled)),
    ]
    client = browser(queue)

    response = _upload(client, "\r\n".join(lines).encode("utf-8-sig"))
    shown = client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    assert Vehicle.objects.count() == 3
    assert "3 VINs assigned: their orders are built." in shown


def test_a_bad_build_list_shows_every_bad_row_by_line_and_assigns_none(queue):
    first, second, _ = queue.scheduled
    content = (
        f"reference,VIN,build date\r\n{first.reference},{vin_for(80, letter='S')},\r\n"
        f"NOPE-NOPE,{vin_for(81)},\r\n{second.reference},{vin_for(82)},2026/13/01\r\n"
    )
    snapshot = everything()

    response = _upload(browser(queue), content.encode("cp932"))

    assert response.status_code == 400
    page = response.content.decode()
    for line, text in [
        (2, "Position 11 (plant) is S; expected U."),
        (3, "There is no order NOPE-NOPE."),
        (4, "The build date 2026/13/01 is not a date"),
    ]:
        assert text in page.split(f'data-testid="upload-line-{line}"')[1].split("</tr>")[0]
    assert everything() == snapshot


def test_a_file_that_is_not_csv_is_a_400_page(queue):
    response = _upload(browser(queue), b"\x89PNG\r\n\x1a\n\x00\x00")

    assert response.status_code == 400
    assert "The file is not a CSV text file." in response.content.decode()
