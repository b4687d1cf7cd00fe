"""Writes of documents: upload (a new version), approve, reject. Each takes the actor, locks in the
app's order (order → model year → document), records who did it, and queues side effects on commit:
the dealer hears of a rejection; an approval that completes a cleared order's file releases it."""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from compliance.locks import document_lock, model_year_lock
from compliance.models import (
    Document,
    DocumentReview,
    DocumentStatus,
    DocumentTarget,
    DocumentType,
    ReviewDecision,
)
from core import clock
from core.actors import Actor
from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.storage import InspectedFile, private_key_new, private_store, upload_inspect
from importorders.locks import order_lock, shipment_lock

logger = logging.getLogger(__name__)

# Listeners called on commit with (document, review, actor): notifications register in ready().
_decided_listeners: list[Callable[[Document, DocumentReview, Actor], None]] = []


def on_document_decided(listener: Callable[[Document, DocumentReview, Actor], None]) -> None:
    """Call `listener(document, review, actor)` after a decision commits."""
    if listener not in _decided_listeners:
        _decided_listeners.append(listener)


def _clean_name(name: str) -> str:
    """The client's file name as data: printable, at most 255 characters (never used in a path)."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable() and ch != "\x00")[:255]


def document_upload(
    *,
    document_type: DocumentType,
    actor: Actor,
    submitter: str | None,
    content,
    original_name: str = "",
    vehicle=None,
    model_year=None,
    shipment=None,
    issued_on: dt.date | None = None,
) -> Document:
    """Store a new version of `document_type` for a vehicle, a model year or a shipment, after checking
    its bytes.

    `submitter` is the caller's submitter column (dealer, back_office, partner): 403 if the type does
    not let it submit. The file is checked (core.storage.upload_inspect) before anything is written;
    the same bytes already uploaded for this type and target are 409. Nothing stays on disk when
    the write fails.
    """
    allowed = {
        "dealer": document_type.submit_dealer,
        "back_office": document_type.submit_back_office,
        "partner": document_type.submit_partner,
    }
    if not document_type.active:
        raise ValidationFailed(fields={"document_type": [_("This document type is not in use.")]})
    if vehicle is not None:
        expected = DocumentTarget.VEHICLE
    elif shipment is not None:
        expected = DocumentTarget.SHIPMENT
    else:
        expected = DocumentTarget.MODEL_YEAR
    if document_type.target != expected:
        raise ValidationFailed(
            _("A %(type)s belongs to a %(target)s, not to a %(given)s.")
            % {
                "type": document_type.name,
                "target": document_type.get_target_display(),
                "given": DocumentTarget(expected).label,
            },
            code="document_type_target",
            fields={"document_type": [_("This document type does not belong here.")]},
        )
    if not allowed.get(submitter or "", False):
        raise PermissionDenied(_("You may not submit this kind of document."), code="submitter_not_allowed")
    today = clock.today_jst()
    if issued_on is not None and issued_on > today:
        raise ValidationFailed(fields={"issued_on": [_("The issue date cannot be in the future.")]})
    inspected = upload_inspect(content, accepted=document_type.accepted_kinds)
    return _store_version(
        document_type=document_type,
        actor=actor,
        inspected=inspected,
        original_name=_clean_name(original_name),
        vehicle=vehicle,
        model_year=model_year,
        shipment=shipment,
        issued_on=issued_on or today,
    )


def _store_version(
    *, document_type, actor, inspected: InspectedFile, original_name, vehicle, model_year, shipment, issued_on
):
    key = private_key_new("documents")
    store = private_store()
    try:
        with transaction.atomic():
            if vehicle is not None and vehicle.order_id is not None:
                order_lock(vehicle.order_id)
            if model_year is not None:
                model_year_lock(model_year.pk)
            if shipment is not None:
                shipment_lock(shipment.pk)
            versions = Document.objects.filter(document_type=document_type)
            if vehicle is not None:
                versions = versions.filter(vehicle=vehicle)
            elif shipment is not None:
                versions = versions.filter(shipment=shipment)
            else:
                versions = versions.filter(model_year=model_year)
            same = versions.filter(sha256=inspected.sha256).order_by("version").first()
            if same is not None:
                raise Conflict(
                    _("This file was uploaded already (version %(version)s).") % {"version": same.version},
                    code="duplicate_file",
                )
            latest = versions.aggregate(latest=Max("version"))["latest"] or 0
            versions.filter(is_current=True).update(is_current=False, updated_at=clock.now())
            document = Document(
                document_type=document_type,
                vehicle=vehicle,
                model_year=model_year,
                shipment=shipment,
                version=latest + 1,
                is_current=True,
                status=DocumentStatus.SUBMITTED,
                file_kind=inspected.kind,
                size=inspected.size,
                sha256=inspected.sha256,
                storage_key=key,
                original_name=original_name,
                issued_on=issued_on,
                valid_until=document_type.valid_until(issued_on),
            )
            document.actor_fill(actor)
            try:
                with transaction.atomic():
                    document.save()
            except IntegrityError as exc:  # a concurrent upload took the version: the client retries
                raise Conflict(
                    _("Another upload of this document happened at the same time."), code="upload_conflict"
                ) from exc
            store.put(key, inspected.data)
    except BaseException:
        store.delete(key)  # written last, removed on any failure: no file without its row
        raise
    return document


def _decide(*, document: Document, actor: Actor, decision: str, reason: str) -> Document:
    with transaction.atomic():
        vehicle = document.vehicle
        if vehicle is not None and vehicle.order_id is not None:
            order_lock(vehicle.order_id)
        locked = document_lock(document.pk)
        if not locked.is_current:
            raise Conflict(
                _("A newer version of this document was uploaded: review that one."), code="superseded"
            )
        if locked.status == decision:
            return locked  # an exact repeat
        if locked.status != DocumentStatus.SUBMITTED:
            raise Conflict(
                _("This document was already %(decision)s.") % {"decision": locked.get_status_display()},
                code="already_decided",
            )
        locked.status = decision
        locked.decided_at = clock.now()
        locked.save(update_fields=["status", "decided_at", "updated_at"])
        review = DocumentReview(document=locked, decision=decision, reason=reason)
        review.actor_fill(actor)
        review.save()
        transaction.on_commit(lambda: [listener(locked, review, actor) for listener in _decided_listeners])
        if decision == ReviewDecision.APPROVED:
            transaction.on_commit(lambda: release_after_approval(locked))
    return locked


def document_approve(*, document: Document, actor: Actor, reason: str = "") -> Document:
    """Approve the current version; a repeat returns it; a rejected one is 409 (a new upload is needed)."""
    return _decide(document=document, actor=actor, decision=ReviewDecision.APPROVED, reason=reason.strip())


def document_reject(*, document: Document, actor: Actor, reason: str) -> Document:
    """Reject the current version with the reason the dealer will read (stored as written)."""
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("Say why the document is rejected.")]})
    return _decide(document=document, actor=actor, decision=ReviewDecision.REJECTED, reason=reason.strip())


def release_after_approval(document: Document) -> None:
    """After an approval commits: try to release each cleared order whose file it may complete."""
    from importorders.models import Order, OrderStatus
    from importorders.services.orders import order_release_attempt

    orders = Order.objects.filter(status=OrderStatus.CLEARED)
    if document.vehicle_id is not None:
        orders = orders.filter(vehicle__id=document.vehicle_id)
    else:
        orders = orders.filter(vehicle__model_year_id=document.model_year_id)
    actor = Actor.system("document-approved")
    for pk in orders.order_by("pk").values_list("pk", flat=True):
        order_release_attempt(order=Order(pk=pk), actor=actor)
