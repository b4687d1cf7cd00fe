"""The compliance world: the rule as data on the Camry's route, private storage in a temporary
directory (so a test can prove no file was left), and helpers to build a vehicle and its files."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from compliance.models import DocumentType, Requirement
from compliance.samples import sample_pdf, sample_png
from compliance.services.documents import document_approve, document_upload
from core.actors import Actor
from core.storage import private_store_reset
from tests.catalog.conftest import camry  # noqa: F401 - the Camry world, priced, for orders

SEEDER = Actor.system("test-suite")
REVIEWER = Actor.system("test-reviewer")


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path) -> Path:
    """Private files of this test, under its own directory."""
    root = tmp_path / "private"
    settings.PRIVATE_STORAGE_ROOT = root
    private_store_reset()
    yield root
    private_store_reset()


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@dataclass
class Rule:
    receipt: DocumentType  # a vehicle's, the dealer submits (PDF, JPEG, PNG)
    mco: DocumentType  # a vehicle's, the back office submits (PDF only)
    epa: DocumentType  # a model year's, the back office submits
    garage: DocumentType  # a vehicle's, the dealer's, valid one month, needed before delivery
    bill: DocumentType  # a shipment's


def make_rule(route) -> Rule:
    def kind(code, target, *, dealer=False, office=True, pdf=True, images=False, validity=None):
        return DocumentType.objects.create(
            code=code,
            name_ja=f"{code} (ja)",
            name_en=f"{code} (en)",
            target=target,
            submit_dealer=dealer,
            submit_back_office=office,
            accepts_pdf=pdf,
            accepts_jpeg=images,
            accepts_png=images,
            validity_count=validity,
            validity_unit="months",
        )

    rule = Rule(
        receipt=kind("RECYCLING-RECEIPT", "vehicle", dealer=True, images=True),
        mco=kind("MCO", "vehicle"),
        epa=kind("EPA-COC", "model_year"),
        garage=kind("GARAGE-CERT", "vehicle", dealer=True, office=False, validity=1),
        bill=kind("BILL-OF-LADING", "shipment"),
    )
    for document_type, gates in (
        (rule.receipt, "ready"),
        (rule.mco, "ready"),
        (rule.epa, "ready"),
        (rule.garage, "delivered"),
    ):
        Requirement.objects.create(route=route, document_type=document_type, gates_status=gates)
    return rule


@pytest.fixture
def rule(camry) -> Rule:  # noqa: F811
    return make_rule(camry.model.certification_route)


def upload(
    document_type,
    *,
    vehicle=None,
    model_year=None,
    content=None,
    actor=SEEDER,
    submitter="back_office",
    **kwargs,
):
    if content is None:
        content = sample_pdf(f"{document_type.code} {vehicle or model_year} {uuid.uuid4().hex}")
    return document_upload(
        document_type=document_type,
        actor=actor,
        submitter=submitter,
        content=content,
        original_name=kwargs.pop("original_name", "scan.pdf"),
        vehicle=vehicle,
        model_year=model_year,
        **kwargs,
    )


def complete_file(rule: Rule, vehicle) -> None:
    """Every release-gated document of `vehicle` uploaded and approved."""
    for document_type in (rule.receipt, rule.mco):
        document_approve(document=upload(document_type, vehicle=vehicle), actor=REVIEWER)
    document_approve(document=upload(rule.epa, model_year=vehicle.model_year), actor=REVIEWER)


__all__ = ["sample_png"]
