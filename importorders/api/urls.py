"""importorders routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from importorders.api.views import DealerViewSet

router = SimpleRouter()
router.register("dealers", DealerViewSet, basename="dealer")

urlpatterns = router.urls
