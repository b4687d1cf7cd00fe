"""The dealer portal's quote pages (namespace `quotes`, under /quotes/)."""

from django.urls import path

from importorders.views import quotes

app_name = "quotes"

urlpatterns = [
    path("", quotes.quote_list_page, name="list"),
    path("estimate/", quotes.quote_estimate, name="estimate"),
    path("save/", quotes.quote_save, name="save"),
    path("<code:number>/", quotes.quote_detail, name="detail"),
    path("<code:number>/estimate/", quotes.quote_print_estimate, name="print_estimate"),
    path("<code:number>/internal/", quotes.quote_print_internal, name="print_internal"),
]
