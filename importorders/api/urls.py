"""importorders routes under /api/v1/."""

from django.urls import re_path
from rest_framework.routers import SimpleRouter

from importorders.api import allocation
from importorders.api.changes import ChangeRequestViewSet
from importorders.api.partner import (
    PartnerEventsView,
    PartnerShipmentViewSet,
    SandboxScenarioListView,
    SandboxScenarioView,
)
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
    re_path(
        r"^partner/sandbox/scenarios/$", SandboxScenarioListView.as_view(), name="partner-sandbox-scenarios"
    ),
    re_path(
        r"^partner/sandbox/scenarios/(?P<name>[a-z0-9-]{1,40})/$",
        SandboxScenarioView.as_view(),
        name="partner-sandbox-scenario",
    ),
    # Allocation (importorders.api.allocation): a model's month as allocations/{model}/{YYYY-MM}/.
    re_path(r"^allocations/$", allocation.AllocationListView.as_view(), name="allocation-list"),
    *[
        re_path(
            rf"^allocations/(?P<model>[A-Za-z0-9_-]+)/(?P<month>[0-9]{{4}}-[0-9]{{2}})/{name}/$",
            view.as_view(),
            name=f"allocation-{name}",
        )
        for name, view in (
            ("ledger", allocation.LedgerView),
            ("accept", allocation.AcceptView),
            ("decline", allocation.DeclineView),
            ("request", allocation.RequestMoreView),
            ("publish", allocation.PublishView),
            ("override", allocation.OverrideView),
        )
    ],
]
