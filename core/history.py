"""Change history of reference data (django-simple-history), with the actor and the one clock.

`AuditedHistory` is the `HistoricalRecords` every tracked model uses. Each history row records:
- `history_date` from `core.clock` (not the wall clock);
- the actor: `history_actor_kind` (user, dealer_key, partner_key, system), `history_actor_ref`
  (user id, key prefix or job name) and `history_actor_label`; `history_user` is set for people only,
  never to a key's request principal (which is not a user and cannot be stored as one).

Where the actor comes from, in order: what the service said (`history_actor_set(instance, actor)`),
else the request being served (admin edits, through simple-history's middleware), else the job's
default (`history_actor_default`), else `system:unattributed`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from core import clock
from core.actors import Actor, ActorKindChoice

UNATTRIBUTED = Actor.system("unattributed")
_default_actor: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("history_actor", default=None)


@contextmanager
def history_actor_default(actor: Actor) -> Iterator[None]:
    """Within the block, history rows with no explicit actor and no request name `actor`.

    For jobs that write reference data row by row (seed_demo); services still take their actor.
    """
    token = _default_actor.set(actor)
    try:
        yield
    finally:
        _default_actor.reset(token)


class HistoryActorColumns(models.Model):
    """The actor columns every history table carries."""

    history_actor_kind = models.CharField(
        _("actor kind"), max_length=20, choices=ActorKindChoice.choices, default=ActorKindChoice.SYSTEM
    )
    history_actor_ref = models.CharField(_("actor"), max_length=150, blank=True)
    history_actor_label = models.CharField(_("actor name"), max_length=300, blank=True)

    class Meta:
        abstract = True


def history_actor_set(instance: models.Model, actor: Actor, *, reason: str = "") -> None:
    """Name the actor (and optionally the reason) of the next history row `instance` writes."""
    instance._history_actor = actor
    instance._history_user = actor.user
    if reason:
        instance._change_reason = reason


def history_actor_for(instance: models.Model) -> Actor:
    """The actor of the history row `instance` is about to write."""
    explicit = getattr(instance, "_history_actor", None)
    if explicit is not None:
        return explicit
    request = getattr(HistoricalRecords.context, "request", None)
    if request is not None:
        from core.callers import get_caller

        caller = get_caller(request)
        if caller.is_authenticated:
            return caller.actor
    return _default_actor.get() or UNATTRIBUTED


class AuditedHistory(HistoricalRecords):
    """HistoricalRecords with actor columns and dates from the one clock."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("bases", (HistoryActorColumns,))
        super().__init__(*args, **kwargs)

    def get_history_user(self, instance: models.Model):
        # A real user or nobody: a key's request principal is not a user and cannot be stored.
        return history_actor_for(instance).user

    def create_historical_record(self, instance, history_type, using=None):
        had_date = hasattr(instance, "_history_date")
        if not had_date:
            instance._history_date = clock.now()
        try:
            super().create_historical_record(instance, history_type, using=using)
        finally:
            if not had_date:
                del instance._history_date
            # One row per write: the next save names its own actor and reason.
            for attribute in ("_history_actor", "_history_user", "_change_reason"):
                instance.__dict__.pop(attribute, None)


def _record_actor(sender, instance, history_instance, **kwargs) -> None:
    """Fill the actor columns of the row simple-history is about to save."""
    if not isinstance(history_instance, HistoryActorColumns):
        return
    actor = history_actor_for(instance)
    history_instance.history_actor_kind = actor.kind
    history_instance.history_actor_ref = actor.ref
    history_instance.history_actor_label = actor.label[:300]


def connect_history_actor() -> None:
    """Connect the actor columns to simple-history's pre-save hook (core's ready())."""
    pre_create_historical_record.connect(_record_actor, dispatch_uid="core.history.record_actor")
