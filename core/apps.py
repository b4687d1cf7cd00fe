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
        self._register_back_office_links()

    @staticmethod
    def _register_back_office_links() -> None:
        """The admin, in the header and on the home page, for the importer's staff."""
        from core import home, navigation

        def is_staff(caller) -> bool:
            return caller.kind == "user" and caller.user.is_staff

        navigation.register(
            navigation.NavEntry(
                label=_("Admin"), url_name="admin:index", namespace="admin", visible=is_staff, order=900
            )
        )
        home.register(
            home.HomeCard(
                title=_("Back office (admin)"),
                description=_(
                    "Dealers, their people and keys, partners, the catalog, prices and exchange rates."
                ),
                url_name="admin:index",
                visible=is_staff,
                order=900,
            )
        )
