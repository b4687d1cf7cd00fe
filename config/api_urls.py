"""Routes under /api/v1/. Add freely, never rename (the public contract)."""

from django.urls import include, path, re_path

from core.api.fallback import api_not_found
from core.api.views import MeView

app_name = "api"

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("", include("catalog.api.urls")),
    path("", include("importorders.api.urls")),
    path("", include("compliance.api.urls")),
    path("", include("webhooks.api.urls")),
    path("", include("core.notifications.api")),
    # Last: anything else under /api/v1/ answers 404 in the error envelope, not an HTML page.
    re_path(r"^.*$", api_not_found),
]
