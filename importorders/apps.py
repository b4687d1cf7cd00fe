from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportOrdersConfig(AppConfig):
    """Dealers, orders, vehicles and shipments."""

    name = "importorders"
    verbose_name = _("Orders and logistics")
