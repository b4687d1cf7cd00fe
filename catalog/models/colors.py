"""Exterior colours of a maker and the trims they are offered on."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models.base import BilingualNamed, code_field
from catalog.models.makers import Maker
from catalog.models.scoping import MakerOwnedQuerySet, TrimOfferQuerySet
from catalog.models.vehicles import Trim
from core.history import AuditedHistory
from core.models import TimeStampedModel

hex_color_validator = RegexValidator(r"^#[0-9A-Fa-f]{6}$", _("Write the colour as #RRGGBB."))


class PaintType(models.TextChoices):
    SOLID = "solid", _("solid")
    METALLIC = "metallic", _("metallic")
    PEARL = "pearl", _("pearl")
    MATTE = "matte", _("matte")
    TWO_TONE = "two_tone", _("two-tone")


class Color(BilingualNamed, TimeStampedModel):
    """An exterior colour of a maker, with a swatch colour for pages."""

    maker = models.ForeignKey(Maker, on_delete=models.PROTECT, related_name="colors", verbose_name=_("maker"))
    code = code_field()
    hex = models.CharField(_("swatch colour"), max_length=7, validators=[hex_color_validator])
    paint_type = models.CharField(_("paint type"), max_length=10, choices=PaintType.choices)
    history = AuditedHistory()
    objects = MakerOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("colour")
        verbose_name_plural = _("colours")
        ordering = ("maker__code", "code")
        constraints = [models.UniqueConstraint(fields=("maker", "code"), name="catalog_color_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class TrimColor(TimeStampedModel):
    """A colour offered on a trim."""

    trim = models.ForeignKey(
        Trim, on_delete=models.CASCADE, related_name="trim_colors", verbose_name=_("trim")
    )
    color = models.ForeignKey(
        Color, on_delete=models.CASCADE, related_name="trim_colors", verbose_name=_("colour")
    )
    history = AuditedHistory()
    objects = TrimOfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("colour availability")
        verbose_name_plural = _("colour availability")
        ordering = ("trim__code", "color__code")
        constraints = [models.UniqueConstraint(fields=("trim", "color"), name="catalog_trimcolor_unique")]

    def __str__(self) -> str:
        return f"{self.trim.code} · {self.color}"
