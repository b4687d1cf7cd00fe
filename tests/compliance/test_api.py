"""The compliance endpoints: permission suites, uploads (good and bad), versions, downloads,
decisions, the vehicle detail's block, and query counts."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse

from compliance.models import Document, DocumentReview
from compliance.samples import sample_pdf, sample_png
from importorders.models import OrderStatus
from importorders.services import vehicles as vehicle_services
from tests.compliance.conftest import complete_file, make_rule, stored_files, upload
from tests.compliance.test_storage import BAD
from tests.factories import TEST_ACTOR
from tests.importorders.api.test_orders import READ, OrderSuite, place
from tests.importorders.vins import vin_for, vin_plant  # noqa: F401
from tests.permissions import UNAUTHENTICATED
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def built(world, camry, vin_plant):  # noqa: F811
    """Both dealers' orders built (VIN 100 for TKY001, 101 for OSK001), the rule on their route."""
    world.order = place(world.dealer, camry, OrderStatus.SCHEDULED)
    world.other_order = place(
        world.other_dealer, camry, OrderStatus.SCHEDULED, customer_reference="OSK-CUST-9"
    )
    world.camry = camry
    vehicle_services.order_assign_vin(order=world.order, actor=TEST_ACTOR, vin=vin_for(100))
    vehicle_services.order_assign_vin(order=world.other_order, actor=TEST_ACTOR, vin=vin_for(101))
    world.order.refresh_from_db()
    world.vehicle = world.order.vehicle
    world.other_vehicle = world.other_order.vehicle
    world.vin = world.vehicle.vin
    world.rule = make_rule(world.camry.model.certification_route)
    world.document = upload(world.rule.receipt, vehicle=world.vehicle)
    world.other_document = upload(world.rule.receipt, vehicle=world.other_vehicle)
    return world


def everything():
    return (
        list(Document.objects.order_by("pk").values()),
        list(DocumentReview.objects.order_by("pk").values()),
    )


class ComplianceSuite(OrderSuite):
    def snapshot(self, world):
        return everything()


def _file(content: bytes = b"", name: str = "receipt.pdf"):
    return SimpleUploadedFile(name, content or sample_pdf("receipt"), content_type="application/pdf")


class TestVehicleCompliance(ComplianceSuite):
    expected = READ

    def url(self, world):
        return f"/api/v1/vehicles/{world.vin}/compliance/"

    def missing_url(self, world):
        return f"/api/v1/vehicles/{vin_for(999999)}/compliance/"


class TestVehicleDocumentUpload(ComplianceSuite):
    method = "post"
    # The back office may submit the receipt too; the partner sees no vehicle (404).
    expected = {**READ, "other_dealer": 404, "dealer_sales": 201, "dealer_manager": 201, "dealer_key": 201}
    expected = {**expected, "operations": 201, "compliance": 201, "admin": 201}

    def url(self, world):
        return f"/api/v1/vehicles/{world.vin}/documents/"

    def missing_url(self, world):
        return f"/api/v1/vehicles/{vin_for(999999)}/documents/"

    def call(self, client, world):
        return client.post(
            self.url(world), {"document_type": "RECYCLING-RECEIPT", "file": _file()}, format="multipart"
        )


class TestDocumentDownload(ComplianceSuite):
    expected = READ

    def call(self, client, world):
        # The suite reads `.content`: a streamed file is read whole into a plain response here.
        response = super().call(client, world)
        if not getattr(response, "streaming", False):
            return response
        copy = HttpResponse(b"".join(response.streaming_content), status=response.status_code)
        for name, value in response.items():
            copy[name] = value
        return copy

    def url(self, world):
        return f"/api/v1/documents/{world.document.pk}/download/"

    def missing_url(self, world):
        return "/api/v1/documents/999999/download/"


REVIEW = {**READ, "dealer_sales": 403, "dealer_manager": 403, "dealer_key": 403, "operations": 403}


class TestDocumentApprove(ComplianceSuite):
    method = "post"
    expected = REVIEW

    def url(self, world):
        return f"/api/v1/documents/{world.document.pk}/approve/"

    def missing_url(self, world):
        return "/api/v1/documents/999999/approve/"


class TestDocumentReject(ComplianceSuite):
    method = "post"
    expected = REVIEW

    def url(self, world):
        return f"/api/v1/documents/{world.document.pk}/reject/"

    def missing_url(self, world):
        return "/api/v1/documents/999999/reject/"

    def payload(self, world):
        return {"reason": "Blurred."}


# Uploads -------------------------------------------------------------------------------------------


def _post(world, caller="dealer_sales", vin=None, **data):
    body = {"document_type": "RECYCLING-RECEIPT", "file": _file(), **data}
    return world.client(caller).post(
        f"/api/v1/vehicles/{vin or world.vin}/documents/", body, format="multipart"
    )


def test_an_upload_is_a_new_version_that_supersedes_the_current_one(world, private_root):
    response = _post(world)

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["version"], body["is_current"], body["status"], body["file_kind"]) == (
        2,
        True,
        "submitted",
        "pdf",
    )
    assert body["uploaded_by"] == {"kind": "user", "name": "tky-sales"}
    assert body["original_name"] == "receipt.pdf"
    first = Document.objects.get(pk=world.document.pk)
    assert first.is_current is False
    new = Document.objects.get(pk=body["id"])
    assert "receipt" not in new.storage_key
    assert new.storage_key.startswith("documents/")
    assert len(stored_files(private_root)) == 3  # both dealers' first versions and this one


@pytest.mark.parametrize("name", list(BAD))
def test_bad_files_are_refused_with_a_clear_error_and_nothing_stored(world, private_root, name):
    content, code = BAD[name]
    before, files = everything(), stored_files(private_root)

    response = _post(world, file=SimpleUploadedFile("innocent.pdf", content, content_type="application/pdf"))

    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["fields"]["file"]
    assert everything() == before
    assert stored_files(private_root) == files


def test_an_oversized_file_is_refused_and_nothing_stored(world, private_root, settings):
    settings.UPLOAD_MAX_BYTES = 2000
    before, files = everything(), stored_files(private_root)

    response = _post(world, file=_file(sample_pdf("x") + b"%" * 5000))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file_too_large"
    assert (everything(), stored_files(private_root)) == (before, files)


def test_a_png_renamed_pdf_for_a_pdf_only_type_is_refused(world, private_root):
    before = everything()
    response = _post(world, caller="operations", document_type="MCO", file=_file(sample_png("x"), "mco.pdf"))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file_kind_not_accepted"
    assert everything() == before


@pytest.mark.parametrize(
    ("document_type", "status", "code"),
    [
        ("EPA-COC", 400, "document_type_target"),  # a model year's
        ("BILL-OF-LADING", 400, "document_type_target"),  # a shipment's
        ("NO-SUCH-TYPE", 400, "document_type_unknown"),
        ("MCO", 403, "submitter_not_allowed"),  # the back office's, not the dealer's
    ],
)
def test_a_document_type_that_does_not_belong_or_is_not_theirs_is_refused(
    world, private_root, document_type, status, code
):
    before, files = everything(), stored_files(private_root)
    response = _post(world, document_type=document_type)
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    assert (everything(), stored_files(private_root)) == (before, files)


def test_an_upload_to_another_dealers_vin_is_404_like_a_missing_one_and_stores_nothing(world, private_root):
    before, files = everything(), stored_files(private_root)

    theirs = _post(world, vin=world.other_vehicle.vin)
    missing = _post(world, vin=vin_for(999998))

    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    assert (everything(), stored_files(private_root)) == (before, files)


def test_the_same_file_twice_is_409(world, private_root):
    content = sample_pdf("same")
    assert _post(world, file=_file(content)).status_code == 201
    before, files = everything(), stored_files(private_root)

    again = _post(world, file=_file(content, "other-name.pdf"))

    assert again.status_code == 409
    assert again.json()["error"]["code"] == "duplicate_file"
    assert (everything(), stored_files(private_root)) == (before, files)


def test_a_file_name_with_a_path_is_kept_as_data_only(world, private_root):
    response = _post(world, file=_file(sample_pdf("n"), "../../etc/passwd.pdf"))
    assert response.status_code == 201
    assert response.json()["original_name"] == "passwd.pdf"
    assert all("passwd" not in str(path) for path in stored_files(private_root))


# Downloads -----------------------------------------------------------------------------------------


def test_a_download_is_an_attachment_no_browser_renders_or_keeps(world):
    response = world.client("dealer_sales").get(f"/api/v1/documents/{world.document.pk}/download/")

    assert response.status_code == 200
    stored = Document.objects.get(pk=world.document.pk)
    assert len(b"".join(response.streaming_content)) == stored.size
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "RECYCLING-RECEIPT-" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_downloads_are_refused_to_anonymous_other_dealers_and_any_media_path(world, private_root):
    document = world.document
    anonymous = world.client("anonymous").get(f"/api/v1/documents/{document.pk}/download/")
    other = world.client("other_dealer").get(f"/api/v1/documents/{document.pk}/download/")
    portal_anonymous = world.client("anonymous").get(f"/vehicles/documents/{document.pk}/download/")
    media = world.client("dealer_sales").get(f"/media/{document.storage_key}")
    private = world.client("dealer_sales").get(f"/private/{document.storage_key}")
    static = world.client("dealer_sales").get(f"/static/{document.storage_key}")

    assert anonymous.status_code == 401
    assert other.status_code == 404
    assert portal_anonymous.status_code == 302
    assert "/login/" in portal_anonymous["Location"]
    assert media.status_code == private.status_code == static.status_code == 404


# Decisions -----------------------------------------------------------------------------------------


def test_a_rejection_needs_a_reason_and_keeps_it_as_written(world):
    client = world.client("compliance")
    url = f"/api/v1/documents/{world.document.pk}/reject/"

    empty = client.post(url, {"reason": "  "}, format="json")
    done = client.post(url, {"reason": "書類が不鮮明です。"}, format="json")

    assert empty.status_code == 400
    assert done.status_code == 200
    assert done.json()["status"] == "rejected"
    review = DocumentReview.objects.get(document=world.document)
    assert (review.decision, review.reason, review.actor_label) == (
        "rejected",
        "書類が不鮮明です。",
        "compliance",
    )


def test_a_decided_or_superseded_document_is_409_and_a_repeat_is_200(world):
    client = world.client("compliance")
    approve = f"/api/v1/documents/{world.document.pk}/approve/"

    assert client.post(approve, {}, format="json").status_code == 200
    assert client.post(approve, {}, format="json").status_code == 200  # an exact repeat
    rejected = client.post(f"/api/v1/documents/{world.document.pk}/reject/", {"reason": "x"}, format="json")
    assert (rejected.status_code, rejected.json()["error"]["code"]) == (409, "already_decided")
    newer = upload(world.rule.receipt, vehicle=world.vehicle, content=sample_pdf("v2"))
    older = client.post(f"/api/v1/documents/{world.document.pk}/reject/", {"reason": "x"}, format="json")
    assert newer.version == 2
    assert (older.status_code, older.json()["error"]["code"]) == (409, "superseded")
    assert DocumentReview.objects.filter(document=world.document).count() == 1


# The checklist and the vehicle detail --------------------------------------------------------------


def test_the_checklist_names_each_state_and_who_acts_next(world):
    body = world.client("dealer_sales").get(f"/api/v1/vehicles/{world.vin}/compliance/").json()

    assert body["complete"] is False
    assert body["route"]["code"] == "recognition"
    states = {item["document_type"]["code"]: (item["state"], item["next_actor"]) for item in body["items"]}
    assert states == {
        "RECYCLING-RECEIPT": ("submitted", "compliance"),
        "MCO": ("missing", "compliance"),
        "EPA-COC": ("missing", "compliance"),
        "GARAGE-CERT": ("missing", "dealer"),
    }
    assert [p["code"] for p in body["problems"]] == [
        "document_submitted",
        "document_missing",
        "document_missing",
    ]
    assert body["problems"][0]["message"] == "RECYCLING-RECEIPT (en) is waiting for compliance review."


def test_the_vehicle_detail_carries_the_compliance_block(world):
    complete_file(world.rule, world.vehicle)
    body = world.client("dealer_sales").get(f"/api/v1/vehicles/{world.vin}/").json()
    assert body["compliance"]["complete"] is True
    assert body["compliance"]["counts"]["approved"] == 3


@pytest.mark.parametrize(("caller", "expected"), [("dealer_sales", 8), ("dealer_key", 5), ("operations", 9)])
def test_the_checklist_runs_a_constant_number_of_queries(world, caller, expected):
    client = world.client(caller)
    client.get("/api/v1/me/")

    def add(count):
        for index in range(count):
            document_type = world.rule.mco.__class__.objects.create(
                code=f"EXTRA-{Document.objects.count()}-{index}", name_ja="x", name_en="x", target="vehicle"
            )
            world.rule.mco.requirements.model.objects.create(
                route=world.camry.model.certification_route, document_type=document_type
            )
            upload(document_type, vehicle=world.vehicle)

    assert_constant_queries(
        lambda: client.get(f"/api/v1/vehicles/{world.vin}/compliance/"), add, expected=expected
    )


__all__ = ["UNAUTHENTICATED"]
