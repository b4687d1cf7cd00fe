"""Shared base models, and the worker heartbeat that operations watch."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Created and updated times on every row that needs them (stored in UTC)."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

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
