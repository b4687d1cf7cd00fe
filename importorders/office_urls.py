"""The back office's order pages (namespace `office`, under /office/)."""

from django.urls import path

from importorders.views import changes, exceptions, office, vins

app_name = "office"

urlpatterns = [
    path("orders/", office.confirmation_queue, name="confirmation"),
    path("orders/bulk-confirm/", office.bulk_confirm, name="bulk_confirm"),
    path("orders/<code:reference>/confirm/", office.order_confirm, name="confirm"),
    path("orders/<code:reference>/reject/", office.order_reject, name="reject"),
    path("schedule/", office.schedule_queue, name="schedule"),
    path("schedule/bulk/", office.bulk_schedule, name="bulk_schedule"),
    path("schedule/<code:reference>/", office.order_schedule, name="schedule_one"),
    path("vins/", vins.vin_queue_page, name="vins"),
    path("vins/assign/", vins.vin_assign, name="vins_assign"),
    path("vins/upload/", vins.vin_upload, name="vins_upload"),
    path("change-requests/", changes.change_request_queue_page, name="change_requests"),
    path("change-requests/<int:pk>/approve/", changes.change_request_approve, name="change_request_approve"),
    path("change-requests/<int:pk>/refuse/", changes.change_request_refuse, name="change_request_refuse"),
    path("exceptions/", exceptions.exception_queue, name="exceptions"),
    path("exceptions/<int:pk>/resolve/", exceptions.exception_resolve_page, name="exception_resolve"),
    path("inspections/new/", exceptions.inspection_new, name="inspection_new"),
]
