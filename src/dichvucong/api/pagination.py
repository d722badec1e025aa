"""Page-number pagination that never counts.

A count would run a ranked search a second time for a number nobody needs to page through a
catalogue; fetching one row more than the page says whether a next page exists
(architecture.md: list pages never count a large table).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from dichvucong.core.ids import id_from_text

MAX_PAGE = 10_000


class PageNumberWithoutCount(BasePagination):
    page_size = 20
    max_page_size = 100
    page_query_param = "page"
    page_size_query_param = "page_size"

    def _positive_int(self, request, name: str, default: int, maximum: int) -> int:
        raw = request.query_params.get(name)
        if raw is None:  # absent; an empty value is not a number (the schema says integer)
            return default
        value = id_from_text(raw) or 0
        if not 1 <= value <= maximum:
            raise ValidationError(
                {name: [_("Enter a whole number from 1 to %(maximum)s.") % {"maximum": maximum}]}
            )
        return value

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page = self._positive_int(request, self.page_query_param, 1, MAX_PAGE)
        self.size = self._positive_int(
            request, self.page_size_query_param, self.page_size, self.max_page_size
        )
        offset = (self.page - 1) * self.size
        rows = list(queryset[offset : offset + self.size + 1])
        self.has_next = len(rows) > self.size
        return rows[: self.size]

    def _page_link(self, page: int | None) -> str | None:
        if page is None:
            return None
        url = self.request.build_absolute_uri()
        if page == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, page)

    def get_paginated_response(self, data):
        return Response(
            {
                "page": self.page,
                "next": self._page_link(self.page + 1 if self.has_next else None),
                "previous": self._page_link(self.page - 1 if self.page > 1 else None),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["page", "next", "previous", "results"],
            "properties": {
                "page": {"type": "integer", "example": 1},
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "Trang sau; null ở trang cuối.",
                    "example": None,
                },
                "previous": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "Trang trước; null ở trang đầu.",
                    "example": None,
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Số trang, từ 1 (không đếm tổng số kết quả).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Số kết quả mỗi trang, 1-{self.max_page_size} (mặc định {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
