"""Top-level routes: portal pages, admin, the API and its schema, health probes."""

from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import health
from core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", core_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("catalog/", include("catalog.urls")),
    path("orders/", include("importorders.urls")),
    path("office/reviews/", include("compliance.office_urls")),
    path("office/", include("importorders.office_urls")),
    path("quotes/", include("importorders.quote_urls")),
    path("allocation/", include("importorders.allocation_urls")),
    path("vehicles/", include("compliance.urls")),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("notifications/", include("core.notifications.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI sets one inline style; only this page allows inline styles (never scripts).
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="api-docs",
    ),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

handler400 = "core.api.fallback.bad_request"
handler404 = "core.api.fallback.not_found"
handler500 = "core.api.fallback.server_error"

admin.site.site_header = "importorders"
admin.site.site_title = "importorders"
