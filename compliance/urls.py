"""The portal's vehicle compliance pages (namespace `compliance`, under /vehicles/)."""

from django.urls import path

from compliance import views

app_name = "compliance"

urlpatterns = [
    path("", views.vehicle_list_page, name="vehicles"),
    path("documents/<int:pk>/download/", views.document_download, name="download"),
    path("<code:vin>/", views.vehicle_page, name="vehicle"),
    path("<code:vin>/upload/", views.vehicle_upload, name="upload"),
]
