from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shared foundation every other app builds on."""

    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Registers the OpenAPI extension for our authentication classes.
        from core.api import schema  # noqa: F401
