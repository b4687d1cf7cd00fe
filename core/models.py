"""Shared base models, and the worker heartbeat that operations watch."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core import clock


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
