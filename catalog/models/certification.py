"""Certification routes by which a model may be sold in Japan, held as data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models.base import BilingualNamed, code_field, in_current_language
from catalog.models.scoping import CatalogQuerySet
from core.history import AuditedHistory
from core.models import TimeStampedModel


class CertificationRoute(BilingualNamed, TimeStampedModel):
    """A route to Japanese road approval: recognition, type designation, PHP or pre-inspection."""

    code = code_field(unique=True)
    description_ja = models.TextField(_("description (Japanese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    history = AuditedHistory()
    objects = CatalogQuerySet.as_manager()

    class Meta:
        verbose_name = _("certification route")
        verbose_name_plural = _("certification routes")
        ordering = ("sort_order", "code")

    def __str__(self) -> str:
        return self.code

    @property
    def description(self) -> str:
        return in_current_language(ja=self.description_ja, en=self.description_en)
