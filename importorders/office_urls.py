"""The back office's order pages (namespace `office`, under /office/)."""

from django.urls import path

from importorders.views import vins

app_name = "office"

urlpatterns: list = [
    path("vins/", vins.vin_queue_page, name="vins"),
    path("vins/assign/", vins.vin_assign, name="vins_assign"),
    path("vins/upload/", vins.vin_upload, name="vins_upload"),
]
