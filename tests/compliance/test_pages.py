"""The compliance pages: the vehicle list and checklist with uploads, the portal download, and the
back office's review queue (filters, age, who must act, decisions); 404 for another dealer's
vehicle, 403 for back-office staff who do not review; exact query counts."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from compliance.models import Document, DocumentReview
from compliance.samples import sample_pdf, sample_png
from importorders.models import OrderStatus
from importorders.services import vehicles as vehicle_services
from tests.compliance.conftest import stored_files, upload
from tests.compliance.test_api import (
    built,  # noqa: F401 - both dealers' vehicles, the rule, a receipt each
    everything,
)
from tests.factories import TEST_ACTOR
from tests.importorders.api.test_orders import place
from tests.importorders.vins import vin_for, vin_plant  # noqa: F401
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


def browser(world, caller: str, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(world.users[caller])
    return client


def test_the_checklist_page_shows_each_state_and_the_reasons_in_plain_words(world):
    response = browser(world, "dealer_sales").get(f"/vehicles/{world.vin}/")

    assert response.status_code == 200
    text = response.content.decode()
    assert "Why this vehicle is not ready yet" in text
    assert "MCO (en) has not been submitted." in text
    assert 'data-testid="file-RECYCLING-RECEIPT"' in text  # the dealer may upload the receipt
    assert 'data-testid="file-MCO"' not in text  # not the back office's MCO


def test_the_checklist_page_reads_in_japanese(world):
    text = browser(world, "dealer_sales", "ja").get(f"/vehicles/{world.vin}/").content.decode()
    assert "MCO (ja)" in text
    assert "チェックリスト" in text


def test_another_dealers_vehicle_and_document_are_the_sites_404(world):
    client = browser(world, "dealer_sales")
    assert client.get(f"/vehicles/{world.other_vehicle.vin}/").status_code == 404
    assert client.get(f"/vehicles/documents/{world.other_document.pk}/download/").status_code == 404
    response = client.post(
        f"/vehicles/{world.other_vehicle.vin}/upload/",
        {"document_type": "RECYCLING-RECEIPT", "file": SimpleUploadedFile("r.pdf", sample_pdf("x"))},
    )
    assert response.status_code == 404


def test_several_files_uploaded_at_once_become_versions(world, private_root):
    files = [SimpleUploadedFile(f"r{i}.png", sample_png(f"r{i}")) for i in range(2)]
    response = browser(world, "dealer_sales").post(
        f"/vehicles/{world.vin}/upload/", {"document_type": "RECYCLING-RECEIPT", "file": files}
    )

    assert response.status_code == 302
    versions = Document.objects.filter(vehicle=world.vehicle, document_type__code="RECYCLING-RECEIPT")
    assert sorted(versions.values_list("version", flat=True)) == [1, 2, 3]
    assert versions.get(is_current=True).version == 3


def test_a_refused_upload_on_the_page_is_400_with_the_reason_and_stores_nothing(world, private_root):
    before, files = everything(), stored_files(private_root)
    response = browser(world, "dealer_sales").post(
        f"/vehicles/{world.vin}/upload/",
        {"document_type": "RECYCLING-RECEIPT", "file": SimpleUploadedFile("r.pdf", b"MZ" + b"\x00" * 100)},
    )
    assert response.status_code == 400
    assert "Only PDF, JPEG and PNG files are accepted." in response.content.decode()
    assert (everything(), stored_files(private_root)) == (before, files)


def test_the_review_queue_is_for_compliance_staff(world):
    assert browser(world, "dealer_sales").get("/office/reviews/").status_code == 404
    assert browser(world, "operations").get("/office/reviews/").status_code == 403
    response = browser(world, "compliance").get("/office/reviews/")
    assert response.status_code == 200
    text = response.content.decode()
    assert f'data-testid="queued-{world.document.pk}"' in text
    assert f'data-testid="queued-{world.other_document.pk}"' in text
    assert "uploaded 0 min ago" in text


def test_the_queue_filters_by_dealer_type_and_state(world):
    client = browser(world, "compliance")
    mine = client.get("/office/reviews/?dealer=TKY001").content.decode()
    none = client.get("/office/reviews/?document_type=MCO").content.decode()
    approved = client.get("/office/reviews/?status=approved").content.decode()
    assert f"queued-{world.document.pk}" in mine
    assert f"queued-{world.other_document.pk}" not in mine
    assert 'data-testid="queue-empty"' in none
    assert 'data-testid="queue-empty"' in approved


def test_a_rejection_from_the_queue_keeps_the_reason_and_the_dealer_reads_it(world):
    client = browser(world, "compliance")
    response = client.post(
        f"/office/reviews/{world.document.pk}/reject/",
        {"reason": "領収書の日付が読めません。", "next": "/office/reviews/"},
    )
    assert response.status_code == 302
    review = DocumentReview.objects.get(document=world.document)
    assert review.reason == "領収書の日付が読めません。"
    english = browser(world, "dealer_sales").get(f"/vehicles/{world.vin}/").content.decode()
    japanese = browser(world, "dealer_sales", "ja").get(f"/vehicles/{world.vin}/").content.decode()
    assert "Rejected</strong>: 領収書の日付が読めません。" in english
    assert "領収書の日付が読めません。" in japanese


def test_an_operations_user_may_not_decide(world):
    before = everything()
    response = browser(world, "operations").post(f"/office/reviews/{world.document.pk}/approve/")
    assert response.status_code == 403
    assert everything() == before


def test_the_queue_runs_a_constant_number_of_queries(world):
    client = browser(world, "compliance")
    client.get("/office/reviews/")

    def add(count):
        for _ in range(count):
            upload(world.rule.mco, vehicle=world.other_vehicle)

    assert_constant_queries(lambda: client.get("/office/reviews/"), add, expected=7, warm=True)


def test_the_checklist_page_runs_a_constant_number_of_queries(world):
    client = browser(world, "dealer_sales")

    def add(count):
        for _ in range(count):
            upload(world.rule.receipt, vehicle=world.vehicle)

    # 11, and the timeline: order events, shipment events, inspections, documents, decisions (+5).
    assert_constant_queries(lambda: client.get(f"/vehicles/{world.vin}/"), add, expected=16, warm=True)


def test_the_vehicle_list_runs_a_constant_number_of_queries(world):
    client = browser(world, "dealer_sales")
    serial = iter(range(200, 300))

    def add(count):
        for _ in range(count):
            order = place(world.dealer, world.camry, OrderStatus.SCHEDULED)
            vehicle_services.order_assign_vin(order=order, actor=TEST_ACTOR, vin=vin_for(next(serial)))

    assert_constant_queries(lambda: client.get("/vehicles/"), add, expected=8, warm=True)
