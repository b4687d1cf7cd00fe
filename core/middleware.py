"""Project middleware."""

from csp.middleware import CSPMiddleware as BaseCSPMiddleware

from core.api.fallback import nul_refused

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


class RefuseNulMiddleware:
    """A NUL character in the path or the query string, or in a portal page's form body, is a 400.

    No address, code, filter or form field of this service may contain one, and PostgreSQL cannot
    even compare a text with one (a query would fail with a 500), so it is refused before any view,
    form or authentication reads it: the API's envelope under /api/, the portal's 400 page
    elsewhere. It runs after LocaleMiddleware, so the message is in the caller's language.

    The check costs a substring search of the path and query string. Of bodies, only the portal's
    url-encoded forms are read (Django reads them anyway); never uploads, nor any body under /api/:
    there the serializers' fields refuse a NUL (400 naming the field) after the write order's 404
    and 403, so a role that may not write still learns nothing from its body.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _carries_nul(request):
            return nul_refused(request)
        return self.get_response(request)


def _carries_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    query = request.META.get("QUERY_STRING", "")
    if "%00" in query or "\x00" in query:
        return True
    if request.content_type == FORM_CONTENT_TYPE and not request.path.startswith("/api/"):
        body = request.body
        return b"%00" in body or b"\x00" in body
    return False


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp, applied to documents only.

    A content security policy governs what a rendered document may load; JSON, files and
    redirects have nothing for it to govern. django-csp builds its policy strings on every
    response before looking at exclusions, which costs more than some API responses themselves.
    """

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "")
        if not content_type.startswith("text/html"):
            return response
        return super().process_response(request, response)
