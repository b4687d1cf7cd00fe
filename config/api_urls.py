"""Routes under /api/v1/. Add freely, never rename (the public contract)."""

from django.urls import path

from core.api.views import MeView

app_name = "api"

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
]
