"""importorders routes under /api/v1/."""

from django.urls import re_path
from rest_framework.routers import SimpleRouter

from importorders.api.changes import ChangeRequestViewSet
from importorders.api.partner import PartnerEventsView, PartnerShipmentViewSet
from importorders.api.quotes import SavedQuoteViewSet
from importorders.api.vehicles import VehicleViewSet
from importorders.api.views import DealerViewSet, OrderViewSet
from importorders.api.watches import OrderWatchView

router = SimpleRouter()
router.register("dealers", DealerViewSet, basename="dealer")
router.register("orders", OrderViewSet, basename="order")
router.register(
    r"orders/(?P<reference>[A-Za-z0-9-]+)/change-requests",
    ChangeRequestViewSet,
    basename="order-change-request",
)

router.register("vehicles", VehicleViewSet, basename="vehicle")
router.register("partner/shipments", PartnerShipmentViewSet, basename="partner-shipment")
router.register("quotes", SavedQuoteViewSet, basename="quote")

urlpatterns = [
    *router.urls,
    re_path(r"^orders/(?P<reference>[A-Za-z0-9-]+)/watch/$", OrderWatchView.as_view(), name="order-watch"),
    re_path(r"^partner/events/$", PartnerEventsView.as_view(), name="partner-events"),
]
