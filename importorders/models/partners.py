"""Logistics partners: carriers, port processors and customs brokers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.callers import Caller
from core.models import TimeStampedModel
from core.scoping import ScopedQuerySet
from importorders.models.dealers import code_validator


class LogisticsPartnerQuerySet(ScopedQuerySet):
    """Partners a caller may see: back office all, a partner itself, nobody else."""

    def restrict(self, caller: Caller) -> LogisticsPartnerQuerySet:
        if caller.is_back_office:
            return self
        if caller.is_partner:
            return self.filter(pk=caller.partner_id)
        return self.none()


class LogisticsPartner(TimeStampedModel):
    """A company that moves or processes vehicles and reports their status over the partner API."""

    class Kind(models.TextChoices):
        CARRIER = "carrier", _("Carrier")
        PORT_PROCESSOR = "port_processor", _("Port processor")
        CUSTOMS_BROKER = "customs_broker", _("Customs broker")

    code = models.CharField(_("code"), max_length=20, unique=True, validators=[code_validator])
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    active = models.BooleanField(_("active"), default=True, db_index=True)

    history = HistoricalRecords()
    objects = LogisticsPartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("logistics partner")
        verbose_name_plural = _("logistics partners")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    # Authentication caches each key with its owner's facts (active, names); drop them on change.
    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        self._forget_keys()

    def delete(self, *args, **kwargs):
        self._forget_keys()
        return super().delete(*args, **kwargs)

    def _forget_keys(self) -> None:
        from importorders.identity import key_cache_forget

        key_cache_forget(self.api_keys.values_list("prefix", flat=True))

    @property
    def name(self) -> str:
        return self.name_ja if (get_language() or "ja").startswith("ja") else self.name_en
