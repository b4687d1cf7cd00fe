"""Handover inspections and the exceptions page: photos checked like documents, M-22 codes as data,
one damage exception per entry that blocks release until resolved with a reason."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from compliance.samples import sample_jpeg, sample_png
from core.errors import Conflict, ValidationFailed
from importorders.models import (
    DamageCode,
    DamageEntry,
    HandoverInspection,
    InspectionPhoto,
    OrderStatus,
    VehicleException,
)
from importorders.services import orders as services
from importorders.services.inspections import DamageInput, PhotoInput, inspection_record
from tests.compliance.conftest import complete_file, stored_files
from tests.compliance.test_readiness import SYSTEM, cleared_order
from tests.factories import DealerFactory
from tests.importorders.vins import vin_plant  # noqa: F401
from tests.permissions import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture(autouse=True)
def damage_codes(db):
    """The codes the data migration seeds (the test database is built without migrations)."""
    import importlib

    from django.apps import apps

    importlib.import_module("importorders.migrations.0017_damage_codes").seed(apps, None)


@pytest.fixture
def cleared(world, camry, vin_plant, rule):  # noqa: F811
    order = cleared_order(world.dealer, camry, 31)
    complete_file(rule, order.vehicle)
    return order


def _rows():
    return (
        list(HandoverInspection.objects.values()),
        list(InspectionPhoto.objects.values()),
        list(DamageEntry.objects.values()),
        list(VehicleException.objects.values()),
    )


def test_the_m22_codes_are_seeded_as_data():
    assert DamageCode.objects.filter(dimension="area").count() == 20
    assert DamageCode.objects.get(dimension="type", code="07").name_en == "Scratched"
    assert DamageCode.objects.filter(dimension="severity").count() == 6


def test_each_damage_raises_a_blocking_exception_until_resolved(
    world, cleared, private_root, django_capture_on_commit_callbacks
):
    inspection = inspection_record(
        vehicle=cleared.vehicle,
        actor=SYSTEM,
        custody_point="port",
        location="JPMKW",
        damages=[DamageInput("03", "07", "2", "scratch on the front bumper"), DamageInput("12", "04", "1")],
        photos=[PhotoInput(sample_jpeg("front"), "front.jpg"), PhotoInput(sample_png("hood"), "hood.png")],
    )

    entries = list(inspection.damages.order_by("id"))
    exceptions = VehicleException.objects.filter(vehicle=cleared.vehicle).order_by("id")
    assert [e.key for e in exceptions] == [f"inspection-entry-{entry.pk}" for entry in entries]
    assert [e.m22_code for e in entries] == ["03-07-2", "12-04-1"]
    assert len(stored_files(private_root)) == 3 + 2  # the three documents of the file, and two photos
    with pytest.raises(Conflict) as refused:
        services.order_milestone(order=cleared, actor=SYSTEM, move="release")
    assert [d["code"] for d in refused.value.details] == ["damage_open", "damage_open"]

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.users["operations"])
    first, second = exceptions
    page = client.get("/office/exceptions/?kind=damage").content.decode()
    assert f'data-testid="exception-{first.pk}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/office/exceptions/{first.pk}/resolve/", {"resolution": "repaired", "reason": "Polished out."}
        )
    cleared.refresh_from_db()
    assert cleared.status == OrderStatus.CLEARED  # the second still holds it
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/office/exceptions/{second.pk}/resolve/",
            {"resolution": "accepted", "reason": "Within tolerance."},
        )
    cleared.refresh_from_db()
    assert cleared.status == OrderStatus.READY
    second.refresh_from_db()
    assert (second.resolution, second.resolution_reason, second.resolver_label) == (
        "accepted",
        "Within tolerance.",
        "ops",
    )


@pytest.mark.parametrize(
    ("damages", "photos", "field"),
    [
        ([DamageInput("99", "07", "2")], [], "damages.0.area"),
        ([DamageInput("03", "07", "9")], [], "damages.0.severity"),
        ([], [PhotoInput(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "x.png")], "photos.0"),
        ([], [PhotoInput(sample_png("ok"), "a.png"), PhotoInput(sample_png("x")[:70], "b.png")], "photos.1"),
    ],
)
def test_a_bad_code_or_photo_writes_nothing_and_leaves_no_file(cleared, private_root, damages, photos, field):
    before, files = _rows(), stored_files(private_root)
    with pytest.raises(ValidationFailed) as refused:
        inspection_record(
            vehicle=cleared.vehicle, actor=SYSTEM, custody_point="dealer", damages=damages, photos=photos
        )
    assert field in refused.value.fields
    assert (_rows(), stored_files(private_root)) == (before, files)


def test_the_exceptions_page_is_the_back_offices(world, cleared):
    def get(caller):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(world.users[caller])
        return client.get("/office/exceptions/")

    assert get("dealer_sales").status_code == 404
    assert get("compliance").status_code == 200
    assert get("operations").status_code == 200
    exception = VehicleException.objects.create(
        vehicle=cleared.vehicle,
        kind="customs_hold",
        blocks_release=True,
        actor_kind="system",
        actor_ref="x",
        actor_label="x",
    )
    client = Client()
    client.force_login(world.users["compliance"])
    assert (
        client.post(
            f"/office/exceptions/{exception.pk}/resolve/", {"resolution": "released", "reason": "x"}
        ).status_code
        == 403
    )
    exception.refresh_from_db()
    assert exception.status == "open"


def test_the_inspection_form_records_photos_and_damage(world, cleared, private_root):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.users["operations"])
    assert client.get("/office/inspections/new/").status_code == 200
    response = client.post(
        "/office/inspections/new/",
        {
            "vin": cleared.vehicle.vin.lower(),
            "custody_point": "processing_centre",
            "location": "Mikawa",
            "photos": [SimpleUploadedFile("p.jpg", sample_jpeg("p"))],
            "damage-0-area": "05",
            "damage-0-type": "07",
            "damage-0-severity": "1",
        },
    )
    assert response.status_code == 302
    inspection = HandoverInspection.objects.get(vehicle=cleared.vehicle)
    assert (inspection.custody_point, inspection.photos.count(), inspection.damages.count()) == (
        "processing_centre",
        1,
        1,
    )
    assert VehicleException.objects.filter(vehicle=cleared.vehicle, kind="damage", status="open").count() == 1


__all__ = ["DealerFactory"]
