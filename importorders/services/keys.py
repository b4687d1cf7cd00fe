"""Issuing and revoking API keys."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from importorders.models import Dealer, DealerAPIKey, LogisticsPartner, PartnerAPIKey


def dealer_key_issue(
    *, dealer: Dealer, name: str, expires_at: datetime | None = None
) -> tuple[DealerAPIKey, str]:
    """A new integration key for a dealer; returns (key row, the key itself, shown only now)."""
    return DealerAPIKey.objects.create_key(dealer=dealer, name=name, expiry_date=expires_at)


def partner_key_issue(
    *, partner: LogisticsPartner, name: str, expires_at: datetime | None = None
) -> tuple[PartnerAPIKey, str]:
    """A new key for a logistics partner; returns (key row, the key itself, shown only now)."""
    return PartnerAPIKey.objects.create_key(partner=partner, name=name, expiry_date=expires_at)


def api_key_revoke(*, key: DealerAPIKey | PartnerAPIKey, reason: str = "") -> None:
    """Revoke a key for good (recorded in its history); the next request with it answers 401."""
    with transaction.atomic():
        locked = type(key).objects.select_for_update().get(pk=key.pk)
        if locked.revoked:
            return
        locked.revoked = True
        locked._change_reason = reason or "revoked"
        locked.save(update_fields=["revoked"])
    key.revoked = True
