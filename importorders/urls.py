"""The dealer portal's order pages (namespace `orders`, under /orders/)."""

from django.urls import path

from importorders.views import changes, notifications, orders

app_name = "orders"

urlpatterns = [
    path("", orders.order_list_page, name="list"),
    path("export.csv", orders.order_export, name="export"),
    path("new/", orders.order_new, name="new"),
    path("<code:reference>/", orders.order_detail, name="detail"),
    path("<code:reference>/edit/", orders.order_amend, name="amend"),
    path("<code:reference>/submit/", orders.order_submit, name="submit"),
    path("<code:reference>/cancel/", orders.order_cancel, name="cancel"),
    path("<code:reference>/watch/", notifications.watch, name="watch"),
    path("<code:reference>/unwatch/", notifications.unwatch, name="unwatch"),
    path("<code:reference>/change/", changes.change_request, name="change_request"),
    path(
        "<code:reference>/change/<int:pk>/withdraw/",
        changes.change_request_withdraw,
        name="change_request_withdraw",
    ),
]
