"""Reads of documents and document types, always scoped to the caller."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from compliance.models import Document, DocumentStatus, DocumentType
from core.callers import Caller
from core.errors import ValidationFailed
from core.scoping import get_scoped_or_404, scoped, selector

_DOCUMENT_JOINS = ("document_type", "vehicle__order__dealer", "model_year__vehicle_model")


@selector
def document_list(*, caller: Caller) -> QuerySet[Document]:
    """Document versions the caller may see, with what a row shows."""
    return scoped(Document, caller).select_related(*_DOCUMENT_JOINS)


def document_get(*, caller: Caller, pk) -> Document:
    """One document version; NotFound when it is not the caller's or does not exist."""
    return get_scoped_or_404(document_list(caller=caller), caller, pk=pk)


def document_type_get(*, caller: Caller, code: str) -> DocumentType:
    """An active document type by code, as input: an unknown code is 400 (not 404: the URL exists)."""
    found = scoped(DocumentType, caller).filter(code=code, active=True).first()
    if found is None:
        raise ValidationFailed(
            fields={"document_type": [_("Unknown document type.")]}, code="document_type_unknown"
        )
    return found


@selector
def review_queue(
    *,
    caller: Caller,
    status: str = DocumentStatus.SUBMITTED,
    document_type: str = "",
    dealer: str = "",
    next_actor: str = "",
) -> QuerySet[Document]:
    """Current versions by review state, oldest first (the back office's review queue)."""
    rows = document_list(caller=caller).filter(is_current=True)
    if status:
        rows = rows.filter(status=status)
    if document_type:
        rows = rows.filter(document_type__code=document_type)
    if dealer:
        rows = rows.filter(vehicle__order__dealer__code=dealer)
    if next_actor == "compliance":
        rows = rows.filter(status=DocumentStatus.SUBMITTED)
    elif next_actor == "dealer":
        rows = rows.filter(status=DocumentStatus.REJECTED, document_type__submit_dealer=True)
    return rows.annotate(review_count=Count("reviews")).order_by("created_at", "id")


__all__ = ["document_get", "document_list", "document_type_get", "review_queue"]
