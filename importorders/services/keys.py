"""Issuing, revoking and removing API keys. Each write drops the key's cached facts on commit."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from core.actors import Actor
from core.history import history_actor_set
from importorders.identity import key_cache_forget
from importorders.locks import api_key_lock
from importorders.models import Dealer, DealerAPIKey, LogisticsPartner, PartnerAPIKey

ApiKey = DealerAPIKey | PartnerAPIKey


def api_key_issue(*, key_row: ApiKey, actor: Actor) -> str:
    """Give an unsaved key row (owner, name, expiry set) its secret and save it; returns the key.

    The key itself exists only in the return value: store it now, it is never shown again.
    """
    with transaction.atomic():
        raw_key = type(key_row).objects.assign_key(key_row)
        history_actor_set(key_row, actor, reason="issued")
        key_row.save()
        # A prefix looked up before it existed is cached as unknown: forget that too.
        key_cache_forget([key_row.prefix], issued=True)
    return raw_key


def dealer_key_issue(
    *, dealer: Dealer, name: str, actor: Actor, expires_at: datetime | None = None
) -> tuple[DealerAPIKey, str]:
    """A new integration key for a dealer; returns (key row, the key itself, shown only now)."""
    key_row = DealerAPIKey(dealer=dealer, name=name, expiry_date=expires_at)
    return key_row, api_key_issue(key_row=key_row, actor=actor)


def partner_key_issue(
    *,
    partner: LogisticsPartner,
    name: str,
    actor: Actor,
    expires_at: datetime | None = None,
    sandbox: bool = False,
) -> tuple[PartnerAPIKey, str]:
    """A new key for a logistics partner; returns (key row, the key itself, shown only now).

    `sandbox`: the key reads and writes only the partner's sandbox shipments (for good).
    """
    key_row = PartnerAPIKey(partner=partner, name=name, expiry_date=expires_at, sandbox=sandbox)
    return key_row, api_key_issue(key_row=key_row, actor=actor)


def api_key_revoke(*, key: ApiKey, actor: Actor, reason: str = "") -> ApiKey:
    """Revoke a key for good (recorded in its history); the next request with it answers 401.

    Revoking a revoked key changes nothing and writes no history (an exact repeat).
    """
    with transaction.atomic():
        locked = api_key_lock(key)
        if locked.revoked:
            return locked
        locked.revoked = True
        history_actor_set(locked, actor, reason=reason or "revoked")
        locked.save(update_fields=["revoked"])
        key_cache_forget([locked.prefix])
    return locked


def api_keys_delete(*, keys, actor: Actor) -> int:
    """Delete keys outright (demo data only: real keys are revoked, so their history stays)."""
    with transaction.atomic():
        rows = list(keys)
        for row in rows:
            history_actor_set(row, actor, reason="deleted")
            row.delete()
        key_cache_forget([row.prefix for row in rows])
    return len(rows)
