from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    """Compliance documents and vehicle readiness under the recognition rule."""

    name = "compliance"
    verbose_name = _("Compliance")
