from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shared foundation every other app builds on."""

    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Registers the OpenAPI extension for our authentication classes.
        from django.db.models.signals import post_migrate

        from core.api import schema  # noqa: F401
        from core.converters import converters_register
        from core.history import connect_history_actor
        from core.roles import back_office_permissions_sync

        connect_history_actor()
        converters_register()  # before any URLconf is loaded
        post_migrate.connect(back_office_permissions_sync, dispatch_uid="core.back_office_permissions_sync")
