"""importorders routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from importorders.api.vehicles import VehicleViewSet
from importorders.api.views import DealerViewSet, OrderViewSet

router = SimpleRouter()
router.register("dealers", DealerViewSet, basename="dealer")
router.register("orders", OrderViewSet, basename="order")
router.register("vehicles", VehicleViewSet, basename="vehicle")

urlpatterns = router.urls
