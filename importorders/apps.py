from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportOrdersConfig(AppConfig):
    """Dealers, orders, vehicles and shipments."""

    name = "importorders"
    verbose_name = _("Orders and logistics")

    def ready(self) -> None:
        from core.api.authentication import register_key_resolver
        from core.callers import register_caller_resolver
        from importorders.identity import caller_for_request, principal_for_key

        register_caller_resolver(caller_for_request)
        register_key_resolver(principal_for_key)
        self._grant_back_office_permissions()
        self._register_navigation()

    @staticmethod
    def _register_navigation() -> None:
        from core.navigation import NavEntry, register

        register(
            NavEntry(
                label=_("VINs"),
                url_name="office:vins",
                namespace="office",
                visible=lambda caller: caller.is_operations,
                order=60,
            )
        )

    @staticmethod
    def _grant_back_office_permissions() -> None:
        from core.roles import COMPLIANCE, OPERATIONS, grant

        managed = ("dealer", "dealermembership", "logisticspartner", "dealerapikey", "partnerapikey")
        grant(
            OPERATIONS,
            *(f"importorders.{verb}_{model}" for model in managed for verb in ("view", "add", "change")),
        )
        grant(OPERATIONS, "auth.view_user", "auth.add_user", "auth.change_user")
        grant(COMPLIANCE, *(f"importorders.view_{model}" for model in ("dealer", "logisticspartner")))
        grant(OPERATIONS, "importorders.view_vehicle")
        grant(COMPLIANCE, "importorders.view_vehicle")
