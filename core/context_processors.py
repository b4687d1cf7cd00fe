"""Template context shared by every portal page."""

from django.utils.functional import SimpleLazyObject

from core.callers import get_caller
from core.navigation import nav_for, notices_for
from core.notifications.selectors import unread_count


def caller(request) -> dict:
    """`caller` (who is signed in, their dealer or back office, role), `nav` (header links) and
    `notices` (site-wide banners, e.g. a stale exchange rate for operations) and
    `unread_notifications` (the header's count: one indexed query for a signed-in person).

    Each resolves on first use, so a page that shows none of them pays nothing; the API renders
    no template, so it never pays for them.
    """
    lazy_caller = SimpleLazyObject(lambda: get_caller(request))

    def navigation() -> list[dict]:
        match = getattr(request, "resolver_match", None)
        return nav_for(get_caller(request), match.namespace if match else None, request.path)

    def unread() -> int:
        return unread_count(caller=get_caller(request))

    return {
        "caller": lazy_caller,
        "nav": SimpleLazyObject(navigation),
        "notices": SimpleLazyObject(lambda: notices_for(get_caller(request))),
        "unread_notifications": SimpleLazyObject(unread),
    }
