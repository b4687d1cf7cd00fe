"""Row locks of compliance, taken after importorders' (lock order: order → model year → document)."""

from __future__ import annotations

from catalog.models import ModelYear
from compliance.models import Document
from core.locks import lock_one


def model_year_lock(pk: int) -> ModelYear:
    """A model year's row: serialises uploads of its documents."""
    return lock_one(ModelYear.objects.all(), pk)


def document_lock(pk: int) -> Document:
    """A document version's row, with its type, vehicle and model year."""
    return lock_one(Document.objects.select_related("document_type", "vehicle", "model_year"), pk)
