"""Every API view that serves model rows goes through the scoping mechanism."""

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.generics import GenericAPIView

from catalog.api.views import TrimViewSet
from core.api.views import MeView, ScopedAPIMixin
from importorders.api.views import DealerViewSet

# Views that serve no tenant data (they may still need authentication).
UNSCOPED_ALLOWED: set[str] = set()


def _api_views(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "cls", None)
            if view is not None and (prefix + str(pattern.pattern)).startswith("api/v1/"):
                yield prefix + str(pattern.pattern), view


def test_every_generic_api_view_is_scoped():
    offenders = [
        f"{route} -> {view.__module__}.{view.__name__}"
        for route, view in _api_views(get_resolver().url_patterns)
        if issubclass(view, GenericAPIView)
        and not issubclass(view, ScopedAPIMixin)
        and view.__name__ not in UNSCOPED_ALLOWED
    ]

    assert offenders == []


def test_the_check_finds_api_views():
    routes = dict(_api_views(get_resolver().url_patterns))

    # Routes from both apps' routers, nested two includes deep, are found with their view classes.
    assert routes["api/v1/^dealers/(?P<code>[A-Z0-9_-]+)/$"] is DealerViewSet
    assert routes["api/v1/^catalog/trims/$"] is TrimViewSet
    assert routes["api/v1/me/"] is MeView
