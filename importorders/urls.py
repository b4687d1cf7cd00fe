"""The dealer portal's order pages (namespace `orders`, under /orders/)."""

from django.urls import path

from importorders.views import changes, notifications

app_name = "orders"

urlpatterns: list = [
    path("<str:reference>/watch/", notifications.watch, name="watch"),
    path("<str:reference>/unwatch/", notifications.unwatch, name="unwatch"),
    path("<str:reference>/change/", changes.change_request, name="change_request"),
    path(
        "<str:reference>/change/<int:pk>/withdraw/",
        changes.change_request_withdraw,
        name="change_request_withdraw",
    ),
]
