"""The site's URLconf plus a tiny page that shows the watch button for one order (its tests)."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from config.urls import handler404, handler500
from config.urls import urlpatterns as site_urlpatterns
from core.callers import get_caller
from core.portal import portal_page
from importorders.selectors.orders import order_get

PAGE = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}<h1>{{ order.reference }}</h1>'
    '{% include "importorders/_watch_button.html" with order=order %}{% endblock %}'
)


@portal_page
def order_with_button(request, reference: str):
    order = order_get(caller=get_caller(request), reference=reference)
    return HttpResponse(PAGE.render({"order": order}, request))


urlpatterns = [*site_urlpatterns, path("test/watch/<str:reference>/", order_with_button, name="test-watch")]

__all__ = ["handler404", "handler500", "urlpatterns"]
