"""Writes to dealers."""

from __future__ import annotations

from dataclasses import dataclass, fields

from django.db import transaction

from core.actors import Actor
from core.history import history_actor_set
from importorders.identity import key_cache_forget
from importorders.locks import dealer_lock
from importorders.models import Dealer


@dataclass(frozen=True, kw_only=True)
class DealerChanges:
    """What may change on a dealer; None leaves a field as it is."""

    name_ja: str | None = None
    name_en: str | None = None
    prefecture: str | None = None
    address: str | None = None
    phone: str | None = None
    active: bool | None = None

    def given(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


def dealer_update(*, dealer: Dealer, actor: Actor, changes: DealerChanges, reason: str = "") -> Dealer:
    """Change a dealer's details under a row lock; history names the actor. Returns the saved row.

    The caller has checked visibility and role. Nothing is written when nothing changes.
    """
    with transaction.atomic():
        locked = dealer_lock(dealer.pk)
        changed = {name: value for name, value in changes.given().items() if getattr(locked, name) != value}
        if not changed:
            return locked
        for name, value in changed.items():
            setattr(locked, name, value)
        locked.full_clean()
        history_actor_set(locked, actor, reason=reason or "updated")
        locked.save(update_fields=[*changed, "updated_at"])
        # Keys carry their owner's facts (active, names) in the authentication cache.
        key_cache_forget(locked.key_prefixes())
    return locked
