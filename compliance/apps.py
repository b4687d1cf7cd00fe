from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    """Compliance documents and vehicle readiness under the recognition rule."""

    name = "compliance"
    verbose_name = _("Compliance")

    def ready(self) -> None:
        from compliance.notifications import document_decided_listener, kinds_register
        from compliance.selectors.readiness import compliance_gate
        from compliance.services.documents import on_document_decided
        from importorders.gates import register_release_gate

        register_release_gate("compliance", compliance_gate)
        kinds_register()
        on_document_decided(document_decided_listener)
        self._register_vehicle_block()
        self._register_timeline_source()
        self._grant_back_office_permissions()
        self._register_navigation()

    @staticmethod
    def _register_vehicle_block() -> None:
        from compliance.api.serializers import ComplianceBlockSerializer, compliance_block
        from importorders.vehicle_blocks import register_vehicle_block

        register_vehicle_block("compliance", ComplianceBlockSerializer, compliance_block)

    @staticmethod
    def _register_timeline_source() -> None:
        from compliance.selectors.timeline import compliance_timeline_facts
        from importorders.timeline_sources import register_timeline_source

        register_timeline_source("compliance", compliance_timeline_facts)

    @staticmethod
    def _grant_back_office_permissions() -> None:
        from core.roles import COMPLIANCE, OPERATIONS, grant

        reference = ("documenttype", "requirement", "reminderoffset")
        grant(
            COMPLIANCE,
            *(f"compliance.{verb}_{model}" for model in reference for verb in ("view", "add", "change")),
        )
        grant(COMPLIANCE, "compliance.view_document", "compliance.view_documentreview")
        grant(OPERATIONS, *(f"compliance.view_{model}" for model in (*reference, "document")))
        grant(OPERATIONS, *(f"importorders.{verb}_damagecode" for verb in ("view", "add", "change")))
        grant(OPERATIONS, "importorders.view_handoverinspection")
        grant(COMPLIANCE, "importorders.view_handoverinspection", "importorders.view_damagecode")

    @staticmethod
    def _register_navigation() -> None:
        from compliance.roles import is_compliance
        from compliance.views import sees_vehicles
        from core.navigation import NavEntry, register

        register(
            NavEntry(
                label=_("Vehicles"),
                url_name="compliance:vehicles",
                namespace="compliance",
                visible=sees_vehicles,
                order=25,
            )
        )
        register(
            NavEntry(
                label=_("Document review"),
                url_name="compliance-office:reviews",
                namespace="compliance-office",
                visible=is_compliance,
                order=70,
            )
        )
