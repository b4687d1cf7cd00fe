"""Who did it: the actor every write names and every event and history row records.

An actor is a person (a user with a session, or in the admin), a dealer integration key, a logistics
partner key, or the system (a Celery task, a management command). Services take it as an explicit
`actor` argument; nothing is inferred from a thread-local or from `request.user` inside a service.
A key is never a user: history rows record a key's writes with `history_user` empty and the key's
prefix in `history_actor_ref`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

ActorKind = Literal["user", "dealer_key", "partner_key", "system"]


class ActorKindChoice(models.TextChoices):
    """The kinds of actor, as stored on event and history rows."""

    USER = "user", _("user")
    DEALER_KEY = "dealer_key", _("dealer integration key")
    PARTNER_KEY = "partner_key", _("partner key")
    SYSTEM = "system", _("system")


@dataclass(frozen=True)
class Actor:
    """The author of a write. `ref` identifies it (user id, key prefix, job name); `label` names it."""

    kind: ActorKind
    ref: str
    label: str
    user: Any = None  # the User, for kind "user"

    @classmethod
    def for_user(cls, user) -> Actor:
        """A person: a dealer's staff member or a back-office user."""
        return cls(kind="user", ref=str(user.pk), label=user.get_username(), user=user)

    @classmethod
    def for_key(cls, *, kind: ActorKind, prefix: str, label: str) -> Actor:
        """A dealer integration key or a partner key, identified by its public prefix."""
        if kind not in ("dealer_key", "partner_key"):
            raise ValueError(f"not a key kind: {kind}")
        return cls(kind=kind, ref=prefix, label=label)

    @classmethod
    def system(cls, job: str) -> Actor:
        """The system itself: a task or a command, named so a reader knows which."""
        if not job:
            raise ValueError("a system actor names its job")
        return cls(kind="system", ref=job, label=job)

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None

    def __str__(self) -> str:
        return f"{self.kind}:{self.ref}"


class ActorColumns(models.Model):
    """The actor of an event row: its kind, its user (people only), its reference and its name then."""

    actor_kind = models.CharField(_("actor kind"), max_length=20, choices=ActorKindChoice.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acting user"),
    )
    actor_ref = models.CharField(_("actor"), max_length=150)
    actor_label = models.CharField(_("actor name"), max_length=300)

    class Meta:
        abstract = True

    def actor_fill(self, actor: Actor) -> None:
        """Record `actor` on this row (before it is saved)."""
        self.actor_kind = actor.kind
        self.actor_user = actor.user
        self.actor_ref = actor.ref
        self.actor_label = actor.label[:300]
