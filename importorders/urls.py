"""The dealer portal's order pages (namespace `orders`, under /orders/)."""

from django.urls import path  # routes are added per area, see importorders.views

from importorders.views import notifications

app_name = "orders"

urlpatterns: list = [
    path("<str:reference>/watch/", notifications.watch, name="watch"),
    path("<str:reference>/unwatch/", notifications.unwatch, name="unwatch"),
]
