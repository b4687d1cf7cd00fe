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
        self._register_notifications()
        self._grant_back_office_permissions()
        self._register_navigation()
        self._register_index_wrappers()
        self._register_release_gates()
        self._register_timeline_sources()

    @staticmethod
    def _register_release_gates() -> None:
        from importorders.gates import register_release_gate
        from importorders.services.exceptions import open_exceptions_gate

        register_release_gate("exceptions", open_exceptions_gate)

    @staticmethod
    def _register_timeline_sources() -> None:
        from importorders.selectors.timeline import custody_timeline_facts
        from importorders.timeline_sources import register_timeline_source

        register_timeline_source("custody", custody_timeline_facts)

    @staticmethod
    def _register_index_wrappers() -> None:
        # An operator class follows the indexed expression, outside the parentheses Django puts
        # around it (what django.contrib.postgres does for its OpClass, which SQLite cannot read).
        from django.db.models.indexes import IndexExpression

        from importorders.models.orders import TextPatternOps

        if TextPatternOps not in IndexExpression.wrapper_classes:
            IndexExpression.register_wrappers(*IndexExpression.wrapper_classes, TextPatternOps)

    @staticmethod
    def _register_navigation() -> None:
        from core import home
        from core.navigation import NavEntry, register
        from importorders.views.orders import sees_orders

        register(
            NavEntry(
                label=_("Orders"), url_name="orders:list", namespace="orders", visible=sees_orders, order=20
            )
        )

        def quotes_visible(caller) -> bool:
            return caller.kind == "user" and caller.is_dealer

        def valid_quotes(caller) -> int:
            from core import clock
            from core.scoping import scoped
            from importorders.models import SavedQuote

            return scoped(SavedQuote, caller).filter(valid_until__gte=clock.today_jst()).count()

        register(
            NavEntry(
                label=_("Quotes"),
                url_name="quotes:list",
                namespace="quotes",
                visible=quotes_visible,
                order=15,
            )
        )
        home.register(
            home.HomeCard(
                title=_("Saved quotes"),
                description=_(
                    "Quotes you saved for customers, at their locked prices until they expire: print the "
                    "estimate again, or order the build."
                ),
                url_name="quotes:list",
                visible=quotes_visible,
                order=15,
                count=valid_quotes,
                count_label=_("valid"),
            )
        )

        def operations(caller) -> bool:
            return caller.kind == "user" and caller.is_operations

        register(
            NavEntry(
                label=_("Confirmation"),
                url_name="office:confirmation",
                namespace="office",
                visible=operations,
                order=30,
            )
        )
        register(
            NavEntry(
                label=_("Scheduling"),
                url_name="office:schedule",
                namespace="office",
                visible=operations,
                order=31,
            )
        )

        register(
            NavEntry(
                label=_("VINs"),
                url_name="office:vins",
                namespace="office",
                visible=operations,
                order=40,
            )
        )
        register(
            NavEntry(
                label=_("Exceptions"),
                url_name="office:exceptions",
                namespace="office-exceptions",
                visible=lambda caller: caller.kind == "user" and caller.is_back_office,
                order=65,
            )
        )
        register(
            NavEntry(
                label=_("Change requests"),
                url_name="office:change_requests",
                namespace="office-change-requests",
                visible=lambda caller: caller.is_operations,
                order=60,
            )
        )
        from importorders.views.allocation import sees_board, sees_panel

        register(
            NavEntry(
                label=_("Allocation"),
                url_name="allocation:panel",
                namespace="allocation",
                visible=sees_panel,
                order=25,
            )
        )
        register(
            NavEntry(
                label=_("Allocation board"),
                url_name="allocation:board",
                namespace="allocation",
                visible=sees_board,
                order=35,
            )
        )
        from core import home

        home.register(
            home.HomeCard(
                title=_("Allocation"),
                description=_(
                    "Your quota of each model per month, every unit with its reason, accept or decline, "
                    "and your orders waiting for a unit."
                ),
                url_name="allocation:panel",
                visible=sees_panel,
                order=25,
            )
        )
        home.register(
            home.HomeCard(
                title=_("Allocation board"),
                description=_(
                    "Supply per model and month, the formula's proposal, overrides and publication."
                ),
                url_name="allocation:board",
                visible=sees_board,
                order=35,
            )
        )

    @staticmethod
    def _register_notifications() -> None:
        from importorders.notifications import kinds_register, order_moved_listener
        from importorders.services.events_notifications import kinds_register as shipment_kinds_register
        from importorders.services.orders import _moved_listeners, on_order_moved

        kinds_register()
        shipment_kinds_register()
        if order_moved_listener not in _moved_listeners:
            on_order_moved(order_moved_listener)

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
        shipments = ("shipment", "shipmentvehicle", "shipmentthreshold", "vocabularymapping")
        grant(
            OPERATIONS,
            *(f"importorders.{verb}_{model}" for model in shipments for verb in ("view", "add", "change")),
        )
        grant(OPERATIONS, "importorders.view_partnerevent", "importorders.view_shipmentmilestone")
