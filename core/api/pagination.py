"""Cursor pagination for every long list: stable under inserts, constant cost per page."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination


class CursorPagination(pagination.CursorPagination):
    """Opaque `cursor` links; `page_size` may be lowered or raised up to 200."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-pk"

    def decode_cursor(self, request):
        # DRF answers a bad cursor with 404; it is bad input, so 400 naming the parameter.
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound as exc:
            raise exceptions.ValidationError({self.cursor_query_param: [_("Invalid cursor.")]}) from exc
