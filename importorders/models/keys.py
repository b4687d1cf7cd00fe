"""API keys: dealer integration keys and partner keys, two separate kinds.

Built on djangorestframework-api-key: only a hash is stored, the key is shown once at creation,
keys expire and can be revoked (for good). The prefix's first letter tells the kind ("d"/"p"), so
authentication finds a key with one indexed lookup.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin
from django.db import models
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.crypto import KeyGenerator
from rest_framework_api_key.models import AbstractAPIKey, BaseAPIKeyManager

from core import clock
from core.callers import Caller
from core.history import AuditedHistory
from core.models import ClockDateTimeField
from core.scoping import ScopedQuerySet

# The last-used time is written at most this often per key, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=5)
_PREFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


class KindKeyGenerator(KeyGenerator):
    """Keys whose 8-character prefix starts with a letter naming their kind."""

    def __init__(self, kind_letter: str) -> None:
        super().__init__(prefix_length=8, secret_key_length=32)
        self.kind_letter = kind_letter

    def get_prefix(self) -> str:
        return self.kind_letter + get_random_string(self.prefix_length - 1, _PREFIX_ALPHABET)


class KeyOwner(models.Model):
    """A dealer or partner that holds API keys.

    Authentication caches each key with its owner's facts (active, names): the services that change
    an owner or its keys fence those entries (`importorders.identity.key_cache_forget`).
    """

    class Meta:
        abstract = True

    def key_prefixes(self) -> list[str]:
        """The public prefixes of this owner's keys (what the key cache is keyed by)."""
        return list(self.api_keys.values_list("prefix", flat=True))


class DealerAPIKeyQuerySet(ScopedQuerySet):
    """Dealer keys a caller may see: back office all, a dealer manager their dealer's."""

    def restrict(self, caller: Caller) -> DealerAPIKeyQuerySet:
        if caller.is_back_office:
            return self
        if caller.kind == "user" and caller.dealer_role == "manager":
            return self.filter(dealer_id=caller.dealer_id)
        return self.none()


class PartnerAPIKeyQuerySet(ScopedQuerySet):
    """Partner keys are the back office's business only."""

    def restrict(self, caller: Caller) -> PartnerAPIKeyQuerySet:
        return self.for_back_office_only(caller)


class DealerAPIKeyManager(BaseAPIKeyManager.from_queryset(DealerAPIKeyQuerySet)):
    key_generator = KindKeyGenerator("d")


class PartnerAPIKeyManager(BaseAPIKeyManager.from_queryset(PartnerAPIKeyQuerySet)):
    key_generator = KindKeyGenerator("p")


class KeyUsageMixin(models.Model):
    """What both kinds of key share beyond the library's: last use, and times from the one clock."""

    created = ClockDateTimeField(_("created"), auto_now_add=True, db_index=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @admin.display(description=_("has expired"), boolean=True)
    def _has_expired(self) -> bool:
        return self.expiry_date is not None and self.expiry_date < clock.now()

    has_expired = property(_has_expired)


class DealerAPIKey(KeyUsageMixin, AbstractAPIKey):
    """A dealer's integration key: acts for its dealer, with the rights of dealer sales staff."""

    dealer = models.ForeignKey(
        "importorders.Dealer", on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("dealer")
    )

    history = AuditedHistory(excluded_fields=["last_used_at"])
    objects = DealerAPIKeyManager()

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("dealer API key")
        verbose_name_plural = _("dealer API keys")
        indexes = [models.Index(fields=["dealer", "revoked"], name="dealerkey_dealer_revoked")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class PartnerAPIKey(KeyUsageMixin, AbstractAPIKey):
    """A logistics partner's key: sees only shipments assigned to its partner.

    A sandbox key sees and writes only its partner's sandbox shipments (docs/decisions/0004): set
    when the key is issued, never changed after, so a key never moves between the two worlds.
    """

    partner = models.ForeignKey(
        "importorders.LogisticsPartner",
        on_delete=models.CASCADE,
        related_name="api_keys",
        verbose_name=_("partner"),
    )
    sandbox = models.BooleanField(
        _("sandbox"),
        default=False,
        help_text=_("A sandbox key reads and writes only the partner's sandbox shipments."),
    )

    history = AuditedHistory(excluded_fields=["last_used_at"])
    objects = PartnerAPIKeyManager()

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("partner API key")
        verbose_name_plural = _("partner API keys")
        indexes = [models.Index(fields=["partner", "revoked"], name="partnerkey_partner_revoked")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
