"""The compliance journey in a browser: a dealer uploads a document, compliance rejects it with a
reason, the dealer reads the reason and uploads again, compliance approves, the checklist shows it;
the order stays cleared while a damage exception is open and becomes ready when it is resolved.
At 1366 and 390 px, in Japanese (the dealer) and English (the back office)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from playwright.sync_api import expect

from catalog.demo import seed_catalog
from catalog.models import Trim
from compliance.demo import seed_rule
from compliance.models import Requirement
from compliance.samples import sample_pdf
from compliance.services.documents import document_approve, document_upload
from core.actors import Actor
from core.demo import DemoResult
from importorders.demo import demo_vin
from importorders.models import Order, OrderStatus
from importorders.services import orders as svc
from importorders.services.inspections import DamageInput, inspection_record
from importorders.services.vehicles import order_assign_vin
from tests.clock import today
from tests.e2e.conftest import sign_in
from tests.factories import TEST_ACTOR, DealerFactory, StaffUserFactory, dealer_user
from tests.importorders.allocating import allow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SYSTEM = Actor.system("shipment_events")


@pytest.fixture
def cleared(db, settings, tmp_path):
    """A cleared Camry of TKY001 whose file lacks only the dealer's recycling receipt, with one damage."""
    from core.storage import private_store_reset

    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    private_store_reset()
    seed_catalog(DemoResult())
    importlib.import_module("importorders.migrations.0017_damage_codes").seed(apps, None)
    types = seed_rule()
    dealer = DealerFactory(code="TKY001", name_ja="東京モータース株式会社", name_en="Tokyo Motors Co., Ltd.")
    dealer_user(dealer=dealer, role="sales", username="tky-sales")
    StaffUserFactory(username="compliance", groups=["compliance"])
    StaffUserFactory(username="ops", groups=["operations"])
    trim = Trim.objects.select_related("model_year__plant").get(code="CAMRY-26-SE")
    first = today().replace(day=1)
    month = first.replace(year=first.year + (first.month // 12), month=first.month % 12 + 1)
    order = svc.order_create(
        dealer=dealer,
        actor=TEST_ACTOR,
        changes=svc.OrderChanges(
            kind="sold",
            customer_reference="山田様",
            trim=trim,
            color_code="089",
            option_codes=(),
            requested_month=month,
        ),
    )
    order = svc.order_confirm(order=allow(svc.order_submit(order=order, actor=TEST_ACTOR)), actor=TEST_ACTOR)
    week = today() + __import__("datetime").timedelta(days=70 - today().weekday())
    order = svc.order_schedule(order=order, actor=TEST_ACTOR, week=week)
    order = order_assign_vin(order=order, actor=TEST_ACTOR, vin=demo_vin(trim, 501))
    for move in ("ship", "arrive", "clear"):
        order = svc.order_milestone(order=order, actor=SYSTEM, move=move)
    vehicle = order.vehicle
    route = trim.model_year.vehicle_model.certification_route
    for requirement in Requirement.objects.filter(route=route).select_related("document_type"):
        document_type = requirement.document_type
        if document_type.code in ("RECYCLING-RECEIPT", "GARAGE-CERT"):
            continue
        target = (
            {"model_year": vehicle.model_year}
            if document_type.target == "model_year"
            else {"vehicle": vehicle}
        )
        content = sample_pdf(document_type.code) if document_type.accepts_pdf else None
        if content is None:
            from compliance.samples import sample_png

            content = sample_png(document_type.code)
        document = document_upload(
            document_type=document_type, actor=TEST_ACTOR, submitter="back_office", content=content, **target
        )
        document_approve(document=document, actor=TEST_ACTOR)
    inspection_record(
        vehicle=vehicle,
        actor=SYSTEM,
        custody_point="processing_centre",
        damages=[DamageInput("03", "07", "2", "front bumper scratch")],
    )
    assert types["RECYCLING-RECEIPT"].submit_dealer
    return order


def _shoot(page, shots, name: str) -> None:
    for label, size in (("1366", DESK), ("390", PHONE)):
        page.set_viewport_size(size)
        if size is PHONE:
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name}: the page is {overflow}px wider than the phone"
        page.screenshot(path=str(shots / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESK)


def test_upload_reject_upload_approve_then_resolve_the_damage_and_the_order_is_ready(
    page, browser, live_server, artifacts_dir, cleared, tmp_path
):
    shots = artifacts_dir / "compliance"
    shots.mkdir(parents=True, exist_ok=True)
    order = cleared
    vin = order.vehicle.vin
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    first_file = tmp_path / "領収書.pdf"
    first_file.write_bytes(sample_pdf("receipt v1"))
    second_file = tmp_path / "receipt-clear.pdf"
    second_file.write_bytes(sample_pdf("receipt v2"))

    # The dealer (Japanese) sees why the vehicle is not ready and uploads the receipt.
    page.set_viewport_size(DESK)
    sign_in(page, live_server.url, "tky-sales")
    page.goto(f"{live_server.url}/vehicles/{vin}/")
    expect(page.locator("[data-testid=problems]")).to_contain_text("リサイクル券が未提出です。")
    _shoot(page, shots, "checklist-missing")
    page.set_input_files("[data-testid=file-RECYCLING-RECEIPT]", str(first_file))
    page.click("[data-testid=upload-RECYCLING-RECEIPT]")
    expect(page.locator("[data-testid=item-RECYCLING-RECEIPT]")).to_have_attribute("data-state", "submitted")

    # Compliance (English) rejects it from the queue with a reason.
    reviewer = browser.new_page(locale="en-US", viewport=DESK)
    sign_in(reviewer, live_server.url, "compliance")
    reviewer.goto(f"{live_server.url}/office/reviews/?document_type=RECYCLING-RECEIPT")
    row = reviewer.locator("[data-testid^=queued-]").first
    expect(row).to_contain_text(vin)
    _shoot(reviewer, shots, "review-queue")
    row.locator("textarea[name=reason]").fill("金額の欄が読めません。鮮明なものをお願いします。")
    row.locator("button[data-testid^=reject-]").click()
    expect(reviewer.locator("[data-testid=queue-empty]")).to_be_visible()

    # The dealer reads the reason as written and uploads a new version.
    page.reload()
    expect(page.locator("[data-testid=rejection-RECYCLING-RECEIPT]")).to_contain_text(
        "金額の欄が読めません。"
    )
    _shoot(page, shots, "checklist-rejected")
    page.set_input_files("[data-testid=file-RECYCLING-RECEIPT]", str(second_file))
    page.click("[data-testid=upload-RECYCLING-RECEIPT]")
    expect(page.locator("[data-testid=item-RECYCLING-RECEIPT]")).to_have_attribute("data-state", "submitted")
    expect(page.locator("[data-testid=version-RECYCLING-RECEIPT-2]")).to_be_visible()

    # Compliance approves; the file is complete, but the open damage still holds the order.
    reviewer.goto(f"{live_server.url}/office/reviews/?document_type=RECYCLING-RECEIPT")
    reviewer.locator("button[data-testid^=approve-]").first.click()
    expect(reviewer.locator("[data-testid=queue-empty]")).to_be_visible()
    page.reload()
    expect(page.locator("[data-testid=item-RECYCLING-RECEIPT]")).to_have_attribute("data-state", "approved")
    expect(page.locator("[data-testid=readiness]")).to_have_attribute("data-complete", "true")
    _shoot(page, shots, "checklist-complete")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CLEARED

    # Operations resolve the damage; the order is released.
    ops = browser.new_page(locale="en-US", viewport=DESK)
    sign_in(ops, live_server.url, "ops")
    ops.goto(f"{live_server.url}/office/exceptions/?kind=damage")
    card = ops.locator("[data-testid^=exception-][data-status=open]").first
    expect(card).to_contain_text("03-07-2")
    _shoot(ops, shots, "exceptions")
    card.locator("select[name=resolution]").select_option("repaired")
    card.locator("textarea[name=reason]").fill("Polished out at the processing centre.")
    card.locator("button[data-testid^=resolve-]").click()
    expect(ops.locator("[data-testid^=exception-][data-status=resolved]").first).to_be_visible()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.READY
    ops.goto(f"{live_server.url}/office/inspections/new/?vin={vin}")
    _shoot(ops, shots, "inspection-form")
    assert errors == []
