"""compliance routes under /api/v1/."""

from django.urls import path

from compliance.api.views import (
    DocumentApproveView,
    DocumentDownloadView,
    DocumentRejectView,
    PartnerShipmentDocumentsView,
    VehicleComplianceView,
    VehicleDocumentsView,
)

urlpatterns = [
    path("vehicles/<str:vin>/compliance/", VehicleComplianceView.as_view(), name="vehicle-compliance"),
    path("vehicles/<str:vin>/documents/", VehicleDocumentsView.as_view(), name="vehicle-documents"),
    path(
        "partner/shipments/<str:reference>/documents/",
        PartnerShipmentDocumentsView.as_view(),
        name="partner-shipment-documents",
    ),
    path("documents/<int:pk>/download/", DocumentDownloadView.as_view(), name="document-download"),
    path("documents/<int:pk>/approve/", DocumentApproveView.as_view(), name="document-approve"),
    path("documents/<int:pk>/reject/", DocumentRejectView.as_view(), name="document-reject"),
]
