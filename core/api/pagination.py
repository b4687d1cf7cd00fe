"""Cursor pagination for every long list: stable under inserts, constant cost per page."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination

from core.scoping import require_scoped


class CursorPagination(pagination.CursorPagination):
    """Opaque `cursor` links; `page_size` may be lowered or raised up to 200."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-pk"

    def paginate_queryset(self, queryset, request, view=None):
        # Every list the API pages through is a caller's: refuse one that skipped scoping.
        require_scoped(queryset, type(view).__name__ if view is not None else "pagination")
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        # DRF answers a bad cursor with 404; it is bad input, so 400 naming the parameter.
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound as exc:
            raise exceptions.ValidationError({self.cursor_query_param: [_("Invalid cursor.")]}) from exc
        # A position with a NUL character cannot be compared in PostgreSQL (a 500 there): bad input.
        if cursor is not None and cursor.position is not None and "\x00" in str(cursor.position):
            raise exceptions.ValidationError({self.cursor_query_param: [_("Invalid cursor.")]})
        return cursor
