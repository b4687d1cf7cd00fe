"""Logistics partners: carriers, port processors and customs brokers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.callers import Caller
from core.history import AuditedHistory
from core.models import BilingualNamed, TimeStampedModel
from core.scoping import ScopedQuerySet
from importorders.models.dealers import code_validator
from importorders.models.keys import KeyOwner


class LogisticsPartnerQuerySet(ScopedQuerySet):
    """Partners a caller may see: back office all, a partner itself, nobody else."""

    def restrict(self, caller: Caller) -> LogisticsPartnerQuerySet:
        if caller.is_back_office:
            return self
        if caller.is_partner:
            return self.filter(pk=caller.partner_id)
        return self.none()


class LogisticsPartner(KeyOwner, BilingualNamed, TimeStampedModel):
    """A company that moves or processes vehicles and reports their status over the partner API."""

    class Kind(models.TextChoices):
        CARRIER = "carrier", _("Carrier")
        PORT_PROCESSOR = "port_processor", _("Port processor")
        CUSTOMS_BROKER = "customs_broker", _("Customs broker")

    code = models.CharField(_("code"), max_length=20, unique=True, validators=[code_validator])
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    active = models.BooleanField(_("active"), default=True, db_index=True)

    history = AuditedHistory()
    objects = LogisticsPartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("logistics partner")
        verbose_name_plural = _("logistics partners")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
