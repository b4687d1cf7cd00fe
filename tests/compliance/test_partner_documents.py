"""`POST partner/shipments/{reference}/documents/`: a partner uploads a document of its own shipment
(permissions, the same content checks as vehicle uploads, nothing written on a refusal)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from compliance.models import Document, DocumentReview, DocumentType
from compliance.samples import sample_pdf, sample_png
from core import clock
from importorders.services import vehicles as vehicle_services
from tests.catalog.conftest import camry  # noqa: F401
from tests.compliance.conftest import make_rule, stored_files
from tests.compliance.test_storage import with_javascript
from tests.factories import TEST_ACTOR
from tests.importorders.api.test_partner_api import PARTNER_ONLY, _shipment
from tests.importorders.vins import scheduled, vin_for, vin_plant  # noqa: F401
from tests.permissions import PermissionSuite

pytestmark = pytest.mark.django_db

# With the key cached: the shipment, the document type, then the write: its savepoint, the
# shipment's lock, the same-file check, the latest version, superseding, the insert in its savepoint.
QUERIES = 11


@pytest.fixture(autouse=True)
def shipped(world, camry, vin_plant):  # noqa: F811
    """The dealer's vehicle on the partner's shipment; the other dealer's on the other partner's; the rule."""
    order = vehicle_services.order_assign_vin(
        order=scheduled(world.dealer, camry), actor=TEST_ACTOR, vin=vin_for(1)
    )
    other = vehicle_services.order_assign_vin(
        order=scheduled(world.other_dealer, camry), actor=TEST_ACTOR, vin=vin_for(2)
    )
    world.shipment = _shipment(world.partner, "PH2611-01", order.vehicle)
    world.other_shipment = _shipment(world.other_partner, "MS0412-01", other.vehicle)
    world.rule = make_rule(camry.model.certification_route)
    world.bill = world.rule.bill
    DocumentType.objects.filter(pk=world.bill.pk).update(submit_partner=True)
    world.bill.refresh_from_db()
    world.permit = DocumentType.objects.create(
        code="IMPORT-PERMIT",
        name_ja="輸入許可書",
        name_en="Import permit",
        target="shipment",
        submit_back_office=True,
    )
    return world


def everything():
    return (
        list(Document.objects.order_by("pk").values()),
        list(DocumentReview.objects.order_by("pk").values()),
    )


def _file(content: bytes = b"", name: str = "bl.pdf"):
    return SimpleUploadedFile(name, content or sample_pdf("bill of lading"), content_type="application/pdf")


def _post(world, reference=None, caller="partner", document_type="BILL-OF-LADING", file=None, **extra):
    return world.client(caller).post(
        f"/api/v1/partner/shipments/{reference or world.shipment.reference}/documents/",
        {"document_type": document_type, "file": file or _file(), **extra},
        format="multipart",
    )


class TestPartnerShipmentDocumentUpload(PermissionSuite):
    method = "post"
    expected = {**PARTNER_ONLY, "partner": 201, "dealer_key": 403, "admin": 403}

    def url(self, world):
        return f"/api/v1/partner/shipments/{world.shipment.reference}/documents/"

    def snapshot(self, world):
        return everything()

    def secrets(self, world, caller):
        return [world.other_shipment.reference, *super().secrets(world, caller)]

    def call(self, client, world):
        return client.post(
            self.url(world), {"document_type": "BILL-OF-LADING", "file": _file()}, format="multipart"
        )


def test_an_upload_is_a_new_version_of_the_shipment_document(world, private_root):
    first = _post(world, issued_on="")
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["belongs_to"], body["version"], body["status"]) == ("shipment", 1, "submitted")
    assert body["document_type"]["code"] == "BILL-OF-LADING"
    assert body["uploaded_by"]
    document = Document.objects.get(pk=body["id"])
    assert document.shipment_id == world.shipment.pk
    assert document.vehicle_id is None
    assert document.model_year_id is None
    assert len(document.sha256) == 64
    assert document.storage_key.startswith("documents/")
    assert document.actor_kind == "partner_key"

    second = _post(world, file=_file(sample_pdf("bill of lading, corrected")))
    assert second.status_code == 201
    assert second.json()["version"] == 2
    assert Document.objects.filter(shipment=world.shipment, is_current=True).get().version == 2
    assert len(stored_files(private_root)) == 2


def test_the_same_file_twice_is_409_and_stores_nothing(world, private_root):
    assert _post(world).status_code == 201
    before, files = everything(), stored_files(private_root)
    again = _post(world)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "duplicate_file"
    assert (everything(), stored_files(private_root)) == (before, files)


def test_another_partners_shipment_is_the_same_404_as_an_unknown_one(world, private_root):
    theirs = _post(world, reference=world.other_shipment.reference)
    unknown = _post(world, reference="NO-SUCH-SHIPMENT")
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json() == unknown.json()
    assert world.other_shipment.reference not in theirs.content.decode()
    assert Document.objects.count() == 0
    assert stored_files(private_root) == []


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (sample_png("x"), "file_kind_not_accepted"),  # a PNG renamed .pdf, for a PDF-only type
        (with_javascript(), "file_active_content"),  # a PDF with JavaScript
        (b"", "file_empty"),
    ],
    ids=["png-renamed-pdf", "pdf-with-javascript", "empty"],
)
def test_bad_files_write_nothing(world, private_root, content, code):
    upload = SimpleUploadedFile("bl.pdf", content, content_type="application/pdf")
    response = world.client("partner").post(
        f"/api/v1/partner/shipments/{world.shipment.reference}/documents/",
        {"document_type": "BILL-OF-LADING", "file": upload},
        format="multipart",
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == code
    assert Document.objects.count() == 0
    assert stored_files(private_root) == []


def test_an_oversized_file_is_refused(world, private_root, settings):
    settings.UPLOAD_MAX_BYTES = 2000
    response = _post(world, file=_file(sample_pdf("x") + b"%" * 5000))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file_too_large"
    assert Document.objects.count() == 0
    assert stored_files(private_root) == []


@pytest.mark.parametrize(
    ("document_type", "status", "code"),
    [
        ("RECYCLING-RECEIPT", 400, "document_type_target"),  # a vehicle's
        ("EPA-COC", 400, "document_type_target"),  # a model year's
        ("NO-SUCH-TYPE", 400, "document_type_unknown"),
        ("IMPORT-PERMIT", 403, "submitter_not_allowed"),  # a shipment's, the back office's only
    ],
)
def test_a_document_type_that_does_not_belong_or_is_not_the_partners_is_refused(
    world, private_root, document_type, status, code
):
    response = _post(world, document_type=document_type)
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    assert Document.objects.count() == 0
    assert stored_files(private_root) == []


def test_an_issue_date_in_the_future_is_400(world, private_root):

    response = _post(world, issued_on=(clock.today_jst() + timedelta(days=1)).isoformat())
    assert response.status_code == 400
    assert "issued_on" in response.json()["error"]["fields"]
    assert Document.objects.count() == 0


def test_an_upload_takes_a_fixed_number_of_queries(world, private_root, django_assert_num_queries):
    client = world.client("partner")
    client.post(  # warm the key's caches
        f"/api/v1/partner/shipments/{world.shipment.reference}/documents/",
        {"document_type": "BILL-OF-LADING", "file": _file(sample_pdf("warm"))},
        format="multipart",
    )
    with django_assert_num_queries(QUERIES):
        response = client.post(
            f"/api/v1/partner/shipments/{world.shipment.reference}/documents/",
            {"document_type": "BILL-OF-LADING", "file": _file(sample_pdf("counted"))},
            format="multipart",
        )
    assert response.status_code == 201


def test_the_partner_downloads_its_shipment_document_and_no_one_elses(world, private_root):
    document_id = _post(world).json()["id"]
    mine = world.client("partner").get(f"/api/v1/documents/{document_id}/download/")
    assert mine.status_code == 200
    assert mine["Content-Disposition"].startswith("attachment")
    theirs = Document.objects.create(
        document_type=world.bill,
        shipment=world.other_shipment,
        file_kind="pdf",
        size=1,
        sha256="0" * 64,
        storage_key="documents/other",
        issued_on=clock.today_jst(),
        actor_kind="system",
        actor_ref="test",
    )
    refused = world.client("partner").get(f"/api/v1/documents/{theirs.pk}/download/")
    assert refused.status_code == 404
    # Dealers see vehicle documents only: a shipment's is not theirs even when their vehicle is on it.
    assert world.client("dealer_manager").get(f"/api/v1/documents/{document_id}/download/").status_code == 404
