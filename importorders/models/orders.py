"""Dealer orders and their events: one pipeline, every move recorded with its actor.

The pipeline (docs/api.md, "Orders"): draft → submitted → confirmed → scheduled → built → shipped →
arrived → cleared → ready → delivered, with the side exits rejected (from submitted) and cancelled
(until the change cut-off). The allowed moves are one table, `importorders.pipeline.MOVES`; each
move is one service in importorders.services.orders. An order is addressed by its public
reference (`K7M3-9QPX`), never by its row id.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Func, Q
from django.db.models.functions import Upper
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from core.actors import ActorColumns
from core.callers import Caller
from core.models import ClockDateTimeField, TimeStampedModel
from core.scoping import ScopedQuerySet

# Read over the phone without doubt: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, and no vowels that spell words.
REFERENCE_ALPHABET = "34679CDFGHJKMNPRTVWXY"
REFERENCE_LENGTH = 8  # 21^8 ≈ 3.8e10 references; shown in two groups of four


class TextPatternOps(Func):
    """An index expression with PostgreSQL's `text_pattern_ops` (LIKE 'prefix%' under any collation).

    Elsewhere the bare expression: SQLite knows no operator classes (and its LIKE ignores case).
    """

    template = "%(expressions)s text_pattern_ops"

    def as_sqlite(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])


def reference_new() -> str:
    """A fresh random order reference, `XXXX-XXXX` (uniqueness is the database's to enforce)."""
    raw = get_random_string(REFERENCE_LENGTH, REFERENCE_ALPHABET)
    return f"{raw[:4]}-{raw[4:]}"


def reference_normalize(text: str) -> str:
    """What a person typed or read out, as stored: upper case, the hyphen in place, no spaces."""
    compact = "".join(text.split()).replace("-", "").replace("ー", "").upper()
    if len(compact) != REFERENCE_LENGTH:
        return text.strip().upper()
    return f"{compact[:4]}-{compact[4:]}"


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    CONFIRMED = "confirmed", _("confirmed")
    SCHEDULED = "scheduled", _("scheduled")
    BUILT = "built", _("built")
    SHIPPED = "shipped", _("shipped")
    ARRIVED = "arrived", _("arrived")
    CLEARED = "cleared", _("cleared")
    READY = "ready", _("ready")
    DELIVERED = "delivered", _("delivered")
    REJECTED = "rejected", _("rejected")
    CANCELLED = "cancelled", _("cancelled")


class OrderKind(models.TextChoices):
    SOLD = "sold", _("sold (for a customer)")
    STOCK = "stock", _("stock")


class OrderQuerySet(ScopedQuerySet):
    """Orders a caller may see: the back office all, a dealer (staff or key) its own."""

    def restrict(self, caller: Caller) -> OrderQuerySet:
        if caller.is_back_office:
            return self
        if caller.is_dealer:
            return self.filter(dealer_id=caller.dealer_id)
        return self.none()


class OrderEventQuerySet(ScopedQuerySet):
    """An order's events are visible to whoever sees the order."""

    def restrict(self, caller: Caller) -> OrderEventQuerySet:
        if caller.is_back_office:
            return self
        if caller.is_dealer:
            return self.filter(order__dealer_id=caller.dealer_id)
        return self.none()


class Order(TimeStampedModel):
    """One vehicle a dealer orders: for a customer (sold) or for stock."""

    reference = models.CharField(
        _("reference"), max_length=9, unique=True, default=reference_new, editable=False
    )
    dealer = models.ForeignKey(
        "importorders.Dealer", on_delete=models.PROTECT, related_name="orders", verbose_name=_("dealer")
    )
    kind = models.CharField(_("kind"), max_length=5, choices=OrderKind.choices)
    customer_reference = models.CharField(
        _("customer reference"), max_length=60, blank=True, help_text=_("The dealer's own reference.")
    )
    promised_date = models.DateField(_("promised to the customer"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.DRAFT, db_index=True
    )
    # The configuration, validated by the catalog engine on every write.
    trim = models.ForeignKey(
        "catalog.Trim", on_delete=models.PROTECT, related_name="orders", verbose_name=_("trim")
    )
    color = models.ForeignKey(
        "catalog.Color", on_delete=models.PROTECT, related_name="orders", verbose_name=_("colour")
    )
    # The trim's model, kept on the order so the lists' model filter reads one index instead of
    # joining trim and model year (set from the trim whenever it is set: see save()).
    vehicle_model = models.ForeignKey(
        "catalog.VehicleModel",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("model"),
        editable=False,
        db_index=False,
    )
    option_codes = models.JSONField(_("options"), default=list, blank=True)
    requested_month = models.DateField(_("requested month"), help_text=_("The first day of the month."))
    priority = models.PositiveIntegerField(
        _("priority"), default=100, help_text=_("The dealer's own order within its order bank: lower first.")
    )
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    # The price: the quote's lines when the order was last priced (at submit, or a recorded re-price).
    priced_on = models.DateField(_("priced on"), null=True, blank=True)
    price_lines = models.JSONField(_("price lines"), default=list, blank=True)
    price_total_jpy = models.DecimalField(
        _("total (JPY)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    # Locked at confirmation.
    fx_rate = models.DecimalField(_("USD/JPY locked"), max_digits=10, decimal_places=4, null=True, blank=True)
    fx_rate_date = models.DateField(_("FX rate date"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    production_week = models.DateField(
        _("production week"), null=True, blank=True, help_text=_("The Monday of the target week.")
    )
    status_changed_at = ClockDateTimeField(_("status changed at"), auto_now_add=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ("-created_at", "-id")
        # Every filter of GET orders/ has its index, for a dealer and for the back office (across
        # dealers); tests/importorders/api/test_orders.py checks the plans on PostgreSQL. Kind (two
        # values) walks the newest-first index; the model filter joins through the trim's key.
        indexes = [
            # The dealer's lists: newest first (the cursor), by status, by month.
            models.Index(fields=("dealer", "-created_at", "-id"), name="order_dealer_newest"),
            models.Index(fields=("dealer", "status", "-created_at", "-id"), name="order_dealer_status"),
            models.Index(fields=("dealer", "requested_month"), name="order_dealer_month"),
            # The back office's lists across dealers: newest first, by status, by month.
            models.Index(fields=("-created_at", "-id"), name="order_newest"),
            models.Index(fields=("status", "-created_at", "-id"), name="order_status_newest"),
            models.Index(fields=("requested_month",), name="order_month"),
            # The back office's VIN queue: scheduled orders by production week (importorders.views.vins).
            models.Index(fields=("status", "production_week", "id"), name="order_status_week"),
            # `q`: the customer reference, equal or starting with (pattern operators on PostgreSQL,
            # so LIKE 'prefix%' uses it whatever the collation); the reference has its unique index.
            models.Index(
                fields=("customer_reference",), opclasses=("varchar_pattern_ops",), name="order_customer_ref"
            ),
            # The portal's search: the start of the customer reference in any case (UPPER(...) LIKE
            # UPPER('prefix%'), what `istartswith` asks on PostgreSQL).
            models.Index(TextPatternOps(Upper("customer_reference")), name="order_customer_ref_ci"),
            # The back office's queues (confirmation, scheduling): one status, longest waiting first.
            models.Index(fields=("status", "status_changed_at", "id"), name="order_status_waiting"),
            # The model filter (the model kept on the order): alone and with a status, for a dealer
            # and across dealers, newest first.
            models.Index(fields=("dealer", "vehicle_model", "-created_at", "-id"), name="order_dealer_model"),
            models.Index(
                fields=("dealer", "status", "vehicle_model", "-created_at", "-id"),
                name="order_dealer_status_model",
            ),
            models.Index(fields=("vehicle_model", "-created_at", "-id"), name="order_model"),
            models.Index(fields=("status", "vehicle_model", "-created_at", "-id"), name="order_status_model"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=OrderKind.SOLD) | ~Q(customer_reference=""),
                name="order_sold_has_customer_reference",
            ),
            models.CheckConstraint(
                condition=Q(requested_month__day=1), name="order_requested_month_first_day"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @classmethod
    def from_db(cls, db, field_names, values):
        order = super().from_db(db, field_names, values)
        order._saved_trim_id = order.__dict__.get("trim_id")
        return order

    def save(self, *args, **kwargs):
        # The model follows the trim: set on a new order and whenever the trim changed since the
        # row was read (from the loaded trim's model year when there is one, else one query).
        if self.trim_id is not None and (
            self.vehicle_model_id is None or self.trim_id != getattr(self, "_saved_trim_id", None)
        ):
            self.vehicle_model_id = self._trim_model_id()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "vehicle_model" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "vehicle_model"]
        super().save(*args, **kwargs)
        self._saved_trim_id = self.trim_id

    def _trim_model_id(self) -> int:
        from catalog.models import ModelYear

        trim = self._state.fields_cache.get("trim")
        if trim is not None and trim.pk == self.trim_id and "model_year" in trim._state.fields_cache:
            return trim.model_year.vehicle_model_id
        if trim is not None and trim.pk == self.trim_id:
            model_year_id = trim.model_year_id
        else:
            from catalog.models import Trim

            model_year_id = Trim.objects.filter(pk=self.trim_id).values_list("model_year_id", flat=True).get()
        return ModelYear.objects.filter(pk=model_year_id).values_list("vehicle_model_id", flat=True).get()


class OrderEventKind(models.TextChoices):
    CREATED = "created", _("created")
    MOVED = "moved", _("status changed")
    AMENDED = "amended", _("amended")
    REPRICED = "repriced", _("re-priced")
    # Change requests after confirmation (importorders.services.changes).
    CHANGE_REQUESTED = "change_requested", _("change requested")
    CHANGE_APPROVED = "change_approved", _("change approved")
    CHANGE_REFUSED = "change_refused", _("change refused")
    CHANGE_WITHDRAWN = "change_withdrawn", _("change withdrawn")
    # Exceptions on the order's vehicle (importorders.services.exceptions).
    EXCEPTION_RAISED = "exception_raised", _("exception raised")
    EXCEPTION_RESOLVED = "exception_resolved", _("exception resolved")


class OrderEvent(ActorColumns):
    """A fact in an order's life: a move, an amendment, a re-price; never changed or deleted."""

    Kind = OrderEventKind

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events", verbose_name=_("order"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    at = ClockDateTimeField(_("at"), auto_now_add=True)
    from_status = models.CharField(_("from"), max_length=10, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=OrderStatus.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    changes = models.JSONField(_("changes"), default=dict, blank=True, help_text=_("Before and after."))

    objects = OrderEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ("order", "at", "id")
        indexes = [models.Index(fields=("order", "at", "id"), name="orderevent_order_at")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind} {self.from_status}→{self.to_status}"
