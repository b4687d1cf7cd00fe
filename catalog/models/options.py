"""Options and packages, where they are offered, and the rules between them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from catalog.models.base import BilingualNamed, code_field
from catalog.models.makers import Maker
from catalog.models.scoping import OptionQuerySet, OptionRuleQuerySet, TrimOfferQuerySet
from catalog.models.vehicles import Trim, VehicleModel
from core.history import AuditedHistory
from core.models import TimeStampedModel


class OptionKind(models.TextChoices):
    OPTION = "option", _("option")
    PACKAGE = "package", _("package")


class Installation(models.TextChoices):
    FACTORY = "factory", _("factory-installed")
    PORT = "port", _("port-installed")


class Option(BilingualNamed, TimeStampedModel):
    """An option or package of a maker, offered on every model or on one (its scope)."""

    maker = models.ForeignKey(
        Maker, on_delete=models.PROTECT, related_name="options", verbose_name=_("maker")
    )
    vehicle_model = models.ForeignKey(
        VehicleModel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="options",
        verbose_name=_("vehicle model"),
        help_text=_("Empty when the option exists across the maker's models."),
    )
    code = code_field()
    kind = models.CharField(_("kind"), max_length=10, choices=OptionKind.choices, default=OptionKind.OPTION)
    installation = models.CharField(
        _("installation"), max_length=10, choices=Installation.choices, default=Installation.FACTORY
    )
    active = models.BooleanField(_("active"), default=True, db_index=True)
    history = AuditedHistory()
    objects = OptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ("maker__code", "code")
        constraints = [models.UniqueConstraint(fields=("maker", "code"), name="catalog_option_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if self.vehicle_model_id and self.maker_id and self.vehicle_model.maker_id != self.maker_id:
            raise ValidationError({"vehicle_model": _("The model belongs to another maker.")})


class TrimOption(TimeStampedModel):
    """An option offered on a trim."""

    trim = models.ForeignKey(
        Trim, on_delete=models.CASCADE, related_name="trim_options", verbose_name=_("trim")
    )
    option = models.ForeignKey(
        Option, on_delete=models.CASCADE, related_name="trim_options", verbose_name=_("option")
    )
    history = AuditedHistory()
    objects = TrimOfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("option availability")
        verbose_name_plural = _("option availability")
        ordering = ("trim__code", "option__code")
        constraints = [models.UniqueConstraint(fields=("trim", "option"), name="catalog_trimoption_unique")]

    def __str__(self) -> str:
        return f"{self.trim.code} · {self.option}"


class RuleKind(models.TextChoices):
    REQUIRES = "requires", _("requires")
    EXCLUDES = "excludes", _("excludes")
    INCLUDES = "includes", _("includes (at no extra cost)")


class OptionRule(TimeStampedModel):
    """A rule between two options: one requires, excludes or includes the other."""

    option = models.ForeignKey(
        Option, on_delete=models.CASCADE, related_name="rules", verbose_name=_("option")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=RuleKind.choices, db_index=True)
    target = models.ForeignKey(
        Option, on_delete=models.CASCADE, related_name="targeted_by_rules", verbose_name=_("target option")
    )
    vehicle_model = models.ForeignKey(
        VehicleModel,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="option_rules",
        verbose_name=_("vehicle model"),
        help_text=_("Empty when the rule holds on every model."),
    )
    history = AuditedHistory()
    objects = OptionRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("option rule")
        verbose_name_plural = _("option rules")
        ordering = ("option__code", "kind", "target__code")
        constraints = [
            models.CheckConstraint(condition=~Q(option=F("target")), name="catalog_optionrule_not_self"),
            models.UniqueConstraint(
                fields=("option", "kind", "target"),
                condition=Q(vehicle_model__isnull=True),
                name="catalog_optionrule_unique_everywhere",
            ),
            models.UniqueConstraint(
                fields=("option", "kind", "target", "vehicle_model"),
                condition=Q(vehicle_model__isnull=False),
                name="catalog_optionrule_unique_per_model",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.option.code} {self.get_kind_display()} {self.target.code}"

    def clean(self) -> None:
        if self.option_id and self.target_id and self.option_id == self.target_id:
            raise ValidationError({"target": _("An option cannot have a rule on itself.")})
