from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    """The catalog of re-imported models and their landed cost."""

    name = "catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        self._grant_back_office_permissions()
        self._register_navigation()
        self._register_fx_alerts()

    @staticmethod
    def _register_fx_alerts() -> None:
        from catalog.selectors.fx import fx_freshness, fx_stale_notice
        from core.health import register_readiness_detail
        from core.navigation import register_notice

        register_notice("fx-stale", fx_stale_notice)
        register_readiness_detail("fx", lambda: fx_freshness(cached=False).as_dict())

    @staticmethod
    def _register_navigation() -> None:
        from catalog.models.scoping import sees_catalog
        from core import home
        from core.navigation import NavEntry, register

        register(
            NavEntry(
                label=_("Catalog"),
                url_name="catalog:model_list",
                namespace="catalog",
                visible=sees_catalog,
                order=10,
            )
        )
        home.register(
            home.HomeCard(
                title=_("Catalog"),
                description=_(
                    "The US-built models you can order, whether each is recognised for sale, their trims, "
                    "options and colours, and the landed cost of a build."
                ),
                url_name="catalog:model_list",
                visible=sees_catalog,
                order=10,
            )
        )

    def _grant_back_office_permissions(self) -> None:
        from core.roles import COMPLIANCE, OPERATIONS, grant

        for model in self.get_models():
            name = model._meta.model_name
            if name.startswith("historical"):
                continue
            # Operations maintain the catalog and its prices; compliance reads it all.
            grant(OPERATIONS, *(f"catalog.{verb}_{name}" for verb in ("view", "add", "change")))
            grant(COMPLIANCE, f"catalog.view_{name}")
        # Compliance owns certification status: routes and the models' recognition.
        grant(COMPLIANCE, "catalog.change_vehiclemodel", "catalog.change_certificationroute")
