"""Allocation: scarce supply of a model in a month, split among dealers by a written formula.

docs/allocation.md is the reference (the formula, its rounding, a worked example, every step).

- `AllocationFormula`: the formula as data, one row per version, never changed once used.
- `Supply`: one model in one month (its first day): the state of its allocation (draft, proposed,
  published), the formula version it was proposed with, the dealers' deadline, and the units held
  back after declines until someone asks for them (`pool`).
- `SupplyLine`: the units of that month from one plant (or from no plant in particular).
- `Allocation`: one dealer's share of a Supply: the formula's proposal, the override, the quota now
  in force, what the dealer accepted and asked for, and the units used by confirmed orders. A
  database constraint keeps `used <= quota`.
- `AllocationEntry`: the append-only ledger, per allocation: every change to its quota or its use,
  with its inputs, the formula version, the actor and the reason. The quota is the sum of the
  entries' `units` of the quota kinds; `used` is the sum of those of the use kinds.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.actors import ActorColumns
from core.callers import Caller
from core.models import ClockDateTimeField, TimeStampedModel
from core.scoping import ScopedQuerySet


class AllocationFormulaQuerySet(ScopedQuerySet):
    """The formula is no secret: everyone signed in as a dealer or the back office reads it."""

    def restrict(self, caller: Caller) -> AllocationFormulaQuerySet:
        if caller.is_back_office or caller.is_dealer:
            return self
        return self.none()


class AllocationFormula(TimeStampedModel):
    """One version of the allocation formula (docs/allocation.md): weights and a minimum, as data.

    score = max(0, backlog * weight_backlog + stock * weight_stock + deliveries * weight_deliveries)
    where deliveries count the last `delivery_months` months; each active dealer first gets
    `minimum_units` when the supply allows, the rest is shared by score, largest remainder.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    weight_backlog = models.DecimalField(_("weight of sold backlog"), max_digits=6, decimal_places=3)
    weight_stock = models.DecimalField(_("weight of stock on hand"), max_digits=6, decimal_places=3)
    weight_deliveries = models.DecimalField(_("weight of recent deliveries"), max_digits=6, decimal_places=3)
    delivery_months = models.PositiveSmallIntegerField(_("months of deliveries counted"), default=3)
    minimum_units = models.PositiveSmallIntegerField(_("minimum per active dealer"), default=1)
    notes = models.TextField(_("notes"), blank=True)

    objects = AllocationFormulaQuerySet.as_manager()

    class Meta:
        verbose_name = _("allocation formula")
        verbose_name_plural = _("allocation formulas")
        ordering = ("-version",)
        constraints = [
            models.CheckConstraint(condition=Q(delivery_months__gte=1), name="allocformula_months_positive"),
        ]

    def __str__(self) -> str:
        return f"v{self.version}"

    def as_inputs(self) -> dict:
        """The formula as a ledger entry records it."""
        return {
            "version": self.version,
            "weight_backlog": str(self.weight_backlog),
            "weight_stock": str(self.weight_stock),
            "weight_deliveries": str(self.weight_deliveries),
            "delivery_months": self.delivery_months,
            "minimum_units": self.minimum_units,
        }


class SupplyStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PROPOSED = "proposed", _("proposed")
    PUBLISHED = "published", _("published")


class SupplyQuerySet(ScopedQuerySet):
    """A month's supply and its totals across dealers: the back office only."""

    def restrict(self, caller: Caller) -> SupplyQuerySet:
        return self.for_back_office_only(caller)


class Supply(TimeStampedModel):
    """The units of one model in one month, and the state of their allocation."""

    vehicle_model = models.ForeignKey(
        "catalog.VehicleModel", on_delete=models.PROTECT, related_name="supplies", verbose_name=_("model")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    status = models.CharField(
        _("status"), max_length=10, choices=SupplyStatus.choices, default=SupplyStatus.DRAFT
    )
    formula = models.ForeignKey(
        AllocationFormula,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supplies",
        verbose_name=_("formula"),
    )
    deadline = models.DateField(
        _("answer by"), null=True, blank=True, help_text=_("The last day (Japan) dealers accept or decline.")
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Declined units not yet given to a dealer who asked for more (docs/allocation.md).
    pool = models.PositiveIntegerField(_("units held back"), default=0)

    objects = SupplyQuerySet.as_manager()

    class Meta:
        verbose_name = _("supply")
        verbose_name_plural = _("supplies")
        ordering = ("month", "vehicle_model__code")
        constraints = [
            models.UniqueConstraint(fields=("vehicle_model", "month"), name="supply_model_month_unique"),
            models.CheckConstraint(condition=Q(month__day=1), name="supply_month_first_day"),
        ]
        indexes = [models.Index(fields=("month", "status"), name="supply_month_status")]

    def __str__(self) -> str:
        return f"{self.vehicle_model_id} {self.month:%Y-%m}"


class SupplyLineQuerySet(ScopedQuerySet):
    def restrict(self, caller: Caller) -> SupplyLineQuerySet:
        return self.for_back_office_only(caller)


class SupplyLine(ActorColumns, TimeStampedModel):
    """The units of a Supply built at one plant; `plant` empty when the plant does not matter.

    Entering the month again replaces its lines, so the actor on them is who entered it last."""

    supply = models.ForeignKey(
        Supply, on_delete=models.CASCADE, related_name="lines", verbose_name=_("supply")
    )
    plant = models.ForeignKey(
        "catalog.Plant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supply_lines",
        verbose_name=_("plant"),
    )
    units = models.PositiveIntegerField(_("units"))

    objects = SupplyLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("supply line")
        verbose_name_plural = _("supply lines")
        ordering = ("supply", "plant")
        constraints = [
            models.UniqueConstraint(
                fields=("supply", "plant"), condition=Q(plant__isnull=False), name="supplyline_plant_unique"
            ),
            models.UniqueConstraint(
                fields=("supply",), condition=Q(plant__isnull=True), name="supplyline_no_plant_unique"
            ),
        ]


class AllocationQuerySet(ScopedQuerySet):
    """A dealer sees its own allocations of published months; the back office all of them."""

    def restrict(self, caller: Caller) -> AllocationQuerySet:
        if caller.is_back_office:
            return self
        if caller.is_dealer:
            return self.filter(dealer_id=caller.dealer_id, supply__status=SupplyStatus.PUBLISHED)
        return self.none()


class Allocation(TimeStampedModel):
    """One dealer's units of one model in one month."""

    supply = models.ForeignKey(
        Supply, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("supply")
    )
    dealer = models.ForeignKey(
        "importorders.Dealer", on_delete=models.PROTECT, related_name="allocations", verbose_name=_("dealer")
    )
    proposed = models.PositiveIntegerField(_("proposed"), default=0)
    overridden = models.PositiveIntegerField(_("override"), null=True, blank=True)
    quota = models.PositiveIntegerField(_("quota"), default=0)
    used = models.PositiveIntegerField(_("used"), default=0)
    # The dealer's answer: units accepted (None: not answered yet) and declined so far.
    accepted = models.PositiveIntegerField(_("accepted"), null=True, blank=True)
    declined = models.PositiveIntegerField(_("declined"), default=0)
    # Units asked for beyond the quota and not yet given (redistribution gives them).
    requested = models.PositiveIntegerField(_("asked for more"), default=0)
    request_reason = models.CharField(_("reason for asking"), max_length=500, blank=True)

    objects = AllocationQuerySet.as_manager()

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ("supply__month", "supply__vehicle_model__code", "dealer__code")
        constraints = [
            models.UniqueConstraint(fields=("supply", "dealer"), name="allocation_supply_dealer_unique"),
            # The last line behind the row lock of allocation_reserve: never more used than given.
            models.CheckConstraint(condition=Q(used__lte=F("quota")), name="allocation_used_within_quota"),
        ]
        indexes = [models.Index(fields=("dealer", "supply"), name="allocation_dealer_supply")]

    def __str__(self) -> str:
        return f"{self.dealer_id} {self.supply}"

    @property
    def remaining(self) -> int:
        return self.quota - self.used


class EntryKind(models.TextChoices):
    PROPOSAL = "proposal", _("proposal")
    OVERRIDE = "override", _("override")
    PUBLISH = "publish", _("published")
    ACCEPT = "accept", _("accepted")
    DECLINE = "decline", _("declined")
    REQUEST = "request", _("asked for more")
    REDISTRIBUTION = "redistribution", _("redistribution")
    RESERVE = "reserve", _("order confirmed")
    RELEASE = "release", _("order cancelled")
    IMPORT = "import", _("imported")


# Entries whose units change the quota, and those whose units change the units used.
QUOTA_KINDS = frozenset(
    {EntryKind.PROPOSAL, EntryKind.OVERRIDE, EntryKind.DECLINE, EntryKind.REDISTRIBUTION, EntryKind.IMPORT}
)
USE_KINDS = frozenset({EntryKind.RESERVE, EntryKind.RELEASE})


class AllocationEntryQuerySet(ScopedQuerySet):
    """A dealer reads its own ledger (of published months); the back office every ledger."""

    def restrict(self, caller: Caller) -> AllocationEntryQuerySet:
        if caller.is_back_office:
            return self
        if caller.is_dealer:
            return self.filter(
                allocation__dealer_id=caller.dealer_id, allocation__supply__status=SupplyStatus.PUBLISHED
            )
        return self.none()


class AppendOnly(Exception):
    """A ledger entry is never changed or deleted."""


class AllocationEntry(ActorColumns):
    """One line of a dealer's allocation ledger; never changed or deleted."""

    allocation = models.ForeignKey(
        Allocation, on_delete=models.PROTECT, related_name="entries", verbose_name=_("allocation")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    # Signed: a change of the quota (QUOTA_KINDS) or of the units used (USE_KINDS); 0 for the others.
    units = models.IntegerField(_("units"), default=0)
    quota_after = models.PositiveIntegerField(_("quota after"))
    used_after = models.PositiveIntegerField(_("used after"))
    inputs = models.JSONField(_("inputs"), default=dict, blank=True)
    formula = models.ForeignKey(
        AllocationFormula,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("formula"),
    )
    order = models.ForeignKey(
        "importorders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocation_entries",
        verbose_name=_("order"),
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = ClockDateTimeField(_("at"), auto_now_add=True)

    objects = AllocationEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("allocation ledger entry")
        verbose_name_plural = _("allocation ledger entries")
        ordering = ("allocation", "id")
        indexes = [
            models.Index(fields=("allocation", "id"), name="allocentry_allocation"),
            models.Index(fields=("order", "kind"), name="allocentry_order"),
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("Allocation ledger entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Allocation ledger entries are never deleted")
