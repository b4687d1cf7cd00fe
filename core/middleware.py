"""Project middleware."""

from csp.middleware import CSPMiddleware as BaseCSPMiddleware


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
