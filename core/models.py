"""Shared base models, the worker heartbeat that operations watch, and a person's language."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core import clock
from core.scoping import ScopedQuerySet


class ClockDateTimeField(models.DateTimeField):
    """A DateTimeField whose auto_now / auto_now_add read the one clock (`core.clock`).

    The column is an ordinary DateTimeField: migrations see Django's own field.
    """

    def pre_save(self, model_instance, add):
        if self.auto_now or (self.auto_now_add and add):
            value = clock.now()
            setattr(model_instance, self.attname, value)
            return value
        return super().pre_save(model_instance, add)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateTimeField", args, kwargs


def in_current_language(*, ja: str, en: str) -> str:
    """The Japanese or the English text, by the active language; falls back to the other one."""
    language = get_language() or settings.LANGUAGE_CODE
    if language.startswith("en"):
        return en or ja
    return ja or en


class BilingualNamed(models.Model):
    """A row with a Japanese and an English name; `name` follows the active language."""

    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        return in_current_language(ja=self.name_ja, en=self.name_en)


class TimeStampedModel(models.Model):
    """Created and updated times on every row that needs them (stored in UTC)."""

    created_at = ClockDateTimeField(_("created at"), auto_now_add=True)
    updated_at = ClockDateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker ran the heartbeat task, per worker host."""

    hostname = models.CharField(_("worker"), max_length=255, unique=True)
    last_seen_at = models.DateTimeField(_("last seen at"))
    beats = models.PositiveBigIntegerField(_("beats"), default=0)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.hostname} @ {self.last_seen_at:%Y-%m-%d %H:%M:%S}"


class UserLanguageQuerySet(ScopedQuerySet):
    """A person's language setting is their own: nobody else reads or changes it."""

    def restrict(self, caller) -> UserLanguageQuerySet:
        if caller.kind == "user":
            return self.filter(user_id=caller.user.pk)
        return self.none()


class UserLanguage(models.Model):
    """The language a person reads: stored by the portal's language switch, used for their e-mails.

    No row means the site's default, Japanese (`settings.LANGUAGE_CODE`).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="language_setting",
        verbose_name=_("user"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    updated_at = ClockDateTimeField(_("updated at"), auto_now=True)

    objects = UserLanguageQuerySet.as_manager()

    class Meta:
        verbose_name = _("language of a person")
        verbose_name_plural = _("languages of people")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language}"


# Notifications live in their own module of core; importing them here registers them with core.
from core.notifications.models import Notification, NotificationPreference  # noqa: E402

__all__ = [
    "BilingualNamed",
    "ClockDateTimeField",
    "Notification",
    "NotificationPreference",
    "TimeStampedModel",
    "UserLanguage",
    "WorkerHeartbeat",
    "in_current_language",
]
