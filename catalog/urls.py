"""The catalog pages of the dealer portal (namespace `catalog`, under /catalog/)."""

from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.model_list, name="model_list"),
    path("models/<str:code>/", views.model_detail, name="model_detail"),
    path("compare/", views.compare, name="compare"),
    path("trims/<str:code>/configure/", views.configure, name="configure"),
    path("trims/<str:code>/configure/check/", views.configure_check, name="configure_check"),
    path("trims/<str:code>/quote/", views.quote, name="quote"),
]
