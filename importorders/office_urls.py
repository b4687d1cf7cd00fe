"""The back office's order pages (namespace `office`, under /office/)."""

from django.urls import path

from importorders.views import changes

app_name = "office"

urlpatterns: list = [
    path("change-requests/", changes.change_request_queue_page, name="change_requests"),
    path("change-requests/<int:pk>/approve/", changes.change_request_approve, name="change_request_approve"),
    path("change-requests/<int:pk>/refuse/", changes.change_request_refuse, name="change_request_refuse"),
]
