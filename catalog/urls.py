"""The catalog pages of the dealer portal (namespace `catalog`, under /catalog/).

`<code:...>` (core.converters) matches only what a code may be: anything else is the site's 404.
"""

from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.model_list, name="model_list"),
    path("models/<code:code>/", views.model_detail, name="model_detail"),
    path("compare/", views.compare, name="compare"),
    path("trims/<code:code>/configure/", views.configure, name="configure"),
    path("trims/<code:code>/configure/check/", views.configure_check, name="configure_check"),
    path("trims/<code:code>/quote/", views.quote, name="quote"),
]
