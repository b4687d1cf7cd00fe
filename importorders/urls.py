"""The dealer portal's order pages (namespace `orders`, under /orders/)."""

from django.urls import path  # noqa: F401  (routes are added per area, see importorders.views)

app_name = "orders"

urlpatterns: list = []
