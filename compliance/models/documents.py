"""Documents and their reviews. One row per uploaded version: a new upload for the same type and
target supersedes the current one (it stays, with who uploaded it); every review decision is a row."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from compliance.models.reference import DocumentType
from core.actors import ActorColumns
from core.callers import Caller
from core.models import TimeStampedModel
from core.scoping import ScopedQuerySet
from core.storage import FILE_KINDS


class DocumentStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class DocumentQuerySet(ScopedQuerySet):
    """The back office sees every document; a dealer those on the vehicles of its own orders."""

    def restrict(self, caller: Caller) -> DocumentQuerySet:
        if caller.is_back_office:
            return self
        if caller.is_dealer:
            return self.filter(vehicle__order__dealer_id=caller.dealer_id)
        if caller.is_partner:
            return self.filter(shipment__partner_id=caller.partner_id)
        return self.none()

    def current(self) -> DocumentQuerySet:
        return self.filter(is_current=True)


class Document(ActorColumns, TimeStampedModel):
    """One version of one document for a vehicle, a model year or a shipment; the actor is who uploaded it."""

    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="documents", verbose_name=_("document type")
    )
    vehicle = models.ForeignKey(
        "importorders.Vehicle",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("vehicle"),
    )
    model_year = models.ForeignKey(
        "catalog.ModelYear",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("model year"),
    )
    shipment = models.ForeignKey(
        "importorders.Shipment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("shipment"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current version"), default=True)
    status = models.CharField(
        _("status"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.SUBMITTED
    )
    file_kind = models.CharField(_("file kind"), max_length=8, choices=[(k, k.upper()) for k in FILE_KINDS])
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # Made by core.storage.private_key_new: nothing from the client is in it.
    storage_key = models.CharField(_("storage key"), max_length=120, unique=True)
    # The client's file name, kept as data (shown, offered as the download name after cleaning).
    original_name = models.CharField(_("file name as uploaded"), max_length=255, blank=True)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=(Q(vehicle__isnull=False) & Q(model_year__isnull=True) & Q(shipment__isnull=True))
                | (Q(vehicle__isnull=True) & Q(model_year__isnull=False) & Q(shipment__isnull=True))
                | (Q(vehicle__isnull=True) & Q(model_year__isnull=True) & Q(shipment__isnull=False)),
                name="compliance_document_one_of_three_targets",
            ),
            models.UniqueConstraint(
                fields=("document_type", "vehicle"),
                condition=Q(is_current=True, vehicle__isnull=False),
                name="compliance_document_current_vehicle",
            ),
            models.UniqueConstraint(
                fields=("document_type", "model_year"),
                condition=Q(is_current=True, model_year__isnull=False),
                name="compliance_document_current_model_year",
            ),
            models.UniqueConstraint(
                fields=("document_type", "shipment"),
                condition=Q(is_current=True, shipment__isnull=False),
                name="compliance_document_current_shipment",
            ),
            # NULLs never collide in a unique index: one constraint per kind of target.
            models.UniqueConstraint(
                fields=("document_type", "vehicle", "version"),
                condition=Q(vehicle__isnull=False),
                name="compliance_document_version_vehicle",
            ),
            models.UniqueConstraint(
                fields=("document_type", "model_year", "version"),
                condition=Q(model_year__isnull=False),
                name="compliance_document_version_model_year",
            ),
            models.UniqueConstraint(
                fields=("document_type", "shipment", "version"),
                condition=Q(shipment__isnull=False),
                name="compliance_document_version_shipment",
            ),
        ]
        indexes = [
            # The review queue: current documents waiting, oldest first.
            models.Index(
                fields=("is_current", "status", "created_at", "id"), name="compliance_document_queue"
            ),
            # Readiness of a vehicle and of a model year.
            models.Index(fields=("vehicle", "is_current"), name="compliance_document_vehicle"),
            models.Index(fields=("model_year", "is_current"), name="compliance_document_model_year"),
            models.Index(fields=("shipment", "is_current"), name="compliance_document_shipment"),
            # The same file uploaded twice.
            models.Index(fields=("sha256",), name="compliance_document_sha256"),
            # The daily deadline sweep.
            models.Index(fields=("status", "valid_until"), name="compliance_document_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.document_type_id} v{self.version}"

    @property
    def download_name(self) -> str:
        """A safe name for the attachment: the type's code, the target and the version, never the client's."""
        if self.vehicle_id:
            target = self.vehicle.vin
        elif self.shipment_id:
            target = f"shipment{self.shipment_id}"
        else:
            target = f"my{self.model_year_id}"
        extension = {"pdf": "pdf", "jpeg": "jpg", "png": "png"}[self.file_kind]
        return f"{self.document_type.code}-{target}-v{self.version}.{extension}"


class ReviewDecision(models.TextChoices):
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class DocumentReviewQuerySet(ScopedQuerySet):
    """Reviews follow their document's visibility."""

    def restrict(self, caller: Caller) -> DocumentReviewQuerySet:
        if caller.is_back_office:
            return self
        if caller.is_dealer:
            return self.filter(document__vehicle__order__dealer_id=caller.dealer_id)
        return self.none()


class DocumentReview(ActorColumns, TimeStampedModel):
    """One decision on one document version, with its reason as the reviewer wrote it; never changed."""

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("document")
    )
    decision = models.CharField(_("decision"), max_length=10, choices=ReviewDecision.choices)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)

    objects = DocumentReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=("document", "created_at"), name="compliance_review_document")]

    def __str__(self) -> str:
        return f"{self.document_id} {self.decision}"


class DeadlineNoticeQuerySet(ScopedQuerySet):
    """Sent reminders are the back office's bookkeeping."""

    def restrict(self, caller: Caller) -> DeadlineNoticeQuerySet:
        return self if caller.is_back_office else self.none()


class DeadlineNotice(TimeStampedModel):
    """A reminder (N days before the end of validity) or the expiry notice (0) sent for a document, once."""

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="deadline_notices", verbose_name=_("document")
    )
    days_before = models.PositiveSmallIntegerField(_("days before expiry"))

    objects = DeadlineNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("deadline notice")
        verbose_name_plural = _("deadline notices")
        constraints = [
            models.UniqueConstraint(fields=("document", "days_before"), name="compliance_notice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} -{self.days_before}"
