from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    """The catalog of re-imported models and their landed cost."""

    name = "catalog"
    verbose_name = _("Catalog")
