"""API keys: dealer integration keys and partner keys, two separate kinds.

Built on djangorestframework-api-key: only a hash is stored, the key is shown once at creation,
keys expire and can be revoked (for good). The prefix's first letter tells the kind ("d"/"p"), so
authentication finds a key with one indexed lookup.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.crypto import KeyGenerator
from rest_framework_api_key.models import AbstractAPIKey, BaseAPIKeyManager
from simple_history.models import HistoricalRecords

from core.callers import Caller
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


def _forget(prefixes) -> None:
    from importorders.identity import key_cache_forget

    key_cache_forget(prefixes)


class KeyOwner(models.Model):
    """A dealer or partner that holds API keys: authentication caches each key with its owner's
    facts (active, names), so any change to the owner drops its keys' cached entries on commit."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        self._forget_keys()

    def delete(self, *args, **kwargs):
        self._forget_keys()
        return super().delete(*args, **kwargs)

    def _forget_keys(self) -> None:
        if self.pk is not None:
            _forget(self.api_keys.values_list("prefix", flat=True))


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
    """Last-used bookkeeping shared by both kinds of key."""

    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    # Authentication caches a key's facts by prefix; any change drops them on commit.
    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        _forget([self.prefix])

    def delete(self, *args, **kwargs):
        _forget([self.prefix])
        return super().delete(*args, **kwargs)


class DealerAPIKey(KeyUsageMixin, AbstractAPIKey):
    """A dealer's integration key: acts for its dealer, with the rights of dealer sales staff."""

    dealer = models.ForeignKey(
        "importorders.Dealer", on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("dealer")
    )

    history = HistoricalRecords(excluded_fields=["last_used_at"])
    objects = DealerAPIKeyManager()

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("dealer API key")
        verbose_name_plural = _("dealer API keys")
        indexes = [models.Index(fields=["dealer", "revoked"], name="dealerkey_dealer_revoked")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class PartnerAPIKey(KeyUsageMixin, AbstractAPIKey):
    """A logistics partner's key: sees only shipments assigned to its partner."""

    partner = models.ForeignKey(
        "importorders.LogisticsPartner",
        on_delete=models.CASCADE,
        related_name="api_keys",
        verbose_name=_("partner"),
    )

    history = HistoricalRecords(excluded_fields=["last_used_at"])
    objects = PartnerAPIKeyManager()

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("partner API key")
        verbose_name_plural = _("partner API keys")
        indexes = [models.Index(fields=["partner", "revoked"], name="partnerkey_partner_revoked")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
