"""Catalog routes under /api/v1/catalog/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from catalog.api.views import QuoteView, TrimViewSet, VehicleModelViewSet

router = SimpleRouter()
router.register("catalog/models", VehicleModelViewSet, basename="catalog-model")
router.register("catalog/trims", TrimViewSet, basename="catalog-trim")

urlpatterns = [
    path("catalog/quote/", QuoteView.as_view(), name="catalog-quote"),
    *router.urls,
]
