"""Cursor pagination for every long list: stable under inserts, constant cost per page."""

from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    """Opaque `cursor` links; `page_size` may be lowered or raised up to 200."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-pk"
