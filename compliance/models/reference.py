"""The rule as data: document types, the requirement matrix (route, document type, gated status)
and the reminder offsets. The back office edits all of it in the admin; nothing here is a constant,
because the evidence list of the recognition rule is not public yet and will change."""

from __future__ import annotations

import calendar
import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models.base import code_field
from core.callers import Caller
from core.history import AuditedHistory
from core.models import BilingualNamed, TimeStampedModel, in_current_language
from core.scoping import ScopedQuerySet
from core.storage import JPEG, PDF, PNG
from importorders.models import OrderStatus


class DocumentTarget(models.TextChoices):
    MODEL_YEAR = "model_year", _("model year")
    VEHICLE = "vehicle", _("vehicle")
    SHIPMENT = "shipment", _("shipment")


class ValidityUnit(models.TextChoices):
    DAYS = "days", _("days")
    MONTHS = "months", _("months")


class ReferenceQuerySet(ScopedQuerySet):
    """Reference data of the rule: the back office sees every row, dealers and partners active ones."""

    def restrict(self, caller: Caller) -> ReferenceQuerySet:
        if caller.is_back_office:
            return self
        if caller.is_dealer or caller.kind == "partner_key":
            return self.filter(active=True)
        return self.none()


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clipped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


class DocumentType(BilingualNamed, TimeStampedModel):
    """A kind of document: what it belongs to, who may submit it, which files, how long it is valid."""

    code = code_field(unique=True)
    target = models.CharField(_("belongs to"), max_length=20, choices=DocumentTarget.choices)
    submit_dealer = models.BooleanField(_("dealer may submit"), default=False)
    submit_back_office = models.BooleanField(_("back office may submit"), default=True)
    submit_partner = models.BooleanField(_("partner may submit"), default=False)
    accepts_pdf = models.BooleanField(_("accepts PDF"), default=True)
    accepts_jpeg = models.BooleanField(_("accepts JPEG"), default=False)
    accepts_png = models.BooleanField(_("accepts PNG"), default=False)
    validity_count = models.PositiveSmallIntegerField(
        _("valid for"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("Empty: the document does not expire."),
    )
    validity_unit = models.CharField(
        _("validity unit"), max_length=10, choices=ValidityUnit.choices, default=ValidityUnit.MONTHS
    )
    description_ja = models.TextField(_("description (Japanese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    history = AuditedHistory()
    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ("sort_order", "code")
        constraints = [
            models.CheckConstraint(
                condition=Q(accepts_pdf=True) | Q(accepts_jpeg=True) | Q(accepts_png=True),
                name="compliance_documenttype_accepts_a_kind",
            ),
            models.CheckConstraint(
                condition=Q(submit_dealer=True) | Q(submit_back_office=True) | Q(submit_partner=True),
                name="compliance_documenttype_has_a_submitter",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        if not (self.accepts_pdf or self.accepts_jpeg or self.accepts_png):
            raise ValidationError(_("Accept at least one kind of file."))
        if not (self.submit_dealer or self.submit_back_office or self.submit_partner):
            raise ValidationError(_("Someone must be able to submit it."))

    @property
    def description(self) -> str:
        return in_current_language(ja=self.description_ja, en=self.description_en)

    @property
    def accepted_kinds(self) -> tuple[str, ...]:
        return tuple(
            kind
            for kind, accepted in (
                (PDF, self.accepts_pdf),
                (JPEG, self.accepts_jpeg),
                (PNG, self.accepts_png),
            )
            if accepted
        )

    def valid_until(self, issued_on: dt.date) -> dt.date | None:
        """The last day a document issued on `issued_on` is valid (None: it does not expire)."""
        if not self.validity_count:
            return None
        if self.validity_unit == ValidityUnit.DAYS:
            return issued_on + dt.timedelta(days=self.validity_count - 1)
        return add_months(issued_on, self.validity_count) - dt.timedelta(days=1)

    @property
    def submitter(self) -> str:
        """Who is asked first when it is missing: the dealer, else the partner, else compliance."""
        if self.submit_dealer:
            return "dealer"
        if self.submit_partner:
            return "partner"
        return "compliance"


# Statuses a requirement may gate: the order may not reach it before the document is approved.
GATEABLE_STATUSES = ("shipped", "arrived", "cleared", "ready", "delivered")


class Requirement(TimeStampedModel):
    """One cell of the matrix: on this route, this document type is needed before this status."""

    route = models.ForeignKey(
        "catalog.CertificationRoute",
        on_delete=models.PROTECT,
        related_name="requirements",
        verbose_name=_("certification route"),
    )
    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="requirements", verbose_name=_("document type")
    )
    gates_status = models.CharField(
        _("needed before"),
        max_length=20,
        default="ready",
        choices=[(status, OrderStatus(status).label) for status in GATEABLE_STATUSES],
        help_text=_("The order status the vehicle may not reach before this document is approved."),
    )
    active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = AuditedHistory()
    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ("route__sort_order", "document_type__sort_order", "id")
        constraints = [
            models.UniqueConstraint(fields=("route", "document_type"), name="compliance_requirement_unique"),
            models.CheckConstraint(
                condition=Q(gates_status__in=GATEABLE_STATUSES), name="compliance_requirement_gateable_status"
            ),
        ]
        indexes = [models.Index(fields=("route", "active"), name="compliance_requirement_route")]

    def __str__(self) -> str:
        return f"{self.route_id} {self.document_type_id} < {self.gates_status}"


class ReminderOffset(TimeStampedModel):
    """Remind the submitter this many days before a document's validity ends (30, 7, 1 by default)."""

    days_before = models.PositiveSmallIntegerField(
        _("days before expiry"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    active = models.BooleanField(_("active"), default=True)
    history = AuditedHistory()
    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ("-days_before",)
        constraints = [
            models.CheckConstraint(
                condition=Q(days_before__gte=1) & Q(days_before__lte=365),
                name="compliance_reminder_days_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.days_before}"
