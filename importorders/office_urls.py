"""The back office's order pages (namespace `office`, under /office/)."""

from django.urls import path  # noqa: F401  (routes are added per area, see importorders.views)

app_name = "office"

urlpatterns: list = []
