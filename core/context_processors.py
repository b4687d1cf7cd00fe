"""Template context shared by every portal page."""

from django.utils.functional import SimpleLazyObject

from core.callers import get_caller
from core.navigation import nav_for


def caller(request) -> dict:
    """`caller` (who is signed in, their dealer or back office, role) and `nav` (header links).

    Both resolve on first use, so a page that shows neither pays nothing.
    """
    lazy_caller = SimpleLazyObject(lambda: get_caller(request))

    def navigation() -> list[dict]:
        match = getattr(request, "resolver_match", None)
        return nav_for(get_caller(request), match.namespace if match else None, request.path)

    return {"caller": lazy_caller, "nav": SimpleLazyObject(navigation)}
