"""The catalogue's read-only API: search the published procedures, read one in full.

Interfaces only: parse the parameters, call one selector, shape the answer.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from ..models import LOCAL_CODE_PATTERN
from ..selectors import procedure_get_public, procedure_search
from .serializers import (
    ErrorSerializer,
    ProcedureDetailSerializer,
    ProcedureListItemSerializer,
    ProcedureSearchParamsSerializer,
)

LIST_ITEM_COLUMNS = (
    "name",
    "online_level",
    "at_province",
    "at_district",
    "at_commune",
    "for_citizens",
    "for_organisations",
    "procedure__local_code",
    "procedure__national_code",
    "field__code",
    "field__name",
    "field__sector__code",
    "field__sector__name",
    "competent_agency__code",
    "competent_agency__name",
)

LIST_ITEM_EXAMPLE = {
    "code": "1.001193.000.00.00.H30",
    "national_code": "1.001193",
    "name": "Đăng ký khai sinh",
    "sector": {"code": "TP", "name": "Tư pháp"},
    "field": {"code": "HT", "name": "Hộ tịch"},
    "levels": ["xa"],
    "subjects": ["citizens"],
    "online_level": 4,
    "online_service_kind": "full",
    "competent_agency": {"code": "000.03.21.H30", "name": "UBND xã Hỏa Lựu"},
    "url": "https://dichvucong.haugiang.gov.vn/thu-tuc/1.001193.000.00.00.H30/",
}

DETAIL_EXAMPLE = {
    **LIST_ITEM_EXAMPLE,
    "dvc_code": "",
    "national_portal_url": (
        "https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc-hanh-chinh.html?ma_thu_tuc=1.001193"
    ),
    "version": 2,
    "published_at": "2025-07-01T08:00:00+07:00",
    "receiving_agencies": [
        {
            "code": "000.03.21.H30",
            "name": "UBND xã Hỏa Lựu",
            "desk_name": "Bộ phận Một cửa UBND xã Hỏa Lựu",
            "desk_address": "Ấp Thạnh Lợi, xã Hỏa Lựu, TP Vị Thanh",
            "desk_phone": "0293 3 000 001",
            "desk_email": "hoaluu@haugiang.gov.vn",
            "desk_opening_hours": "Sáng 07:00-11:30, chiều 13:30-17:00",
        }
    ],
    "channels": ["counter", "post", "online"],
    "time_options": [
        {"label": "", "duration": 0, "unit": "working_days", "same_day": True, "cutoff": "15:00:00"}
    ],
    "fees": [
        {
            "name": "Lệ phí đăng ký khai sinh đúng hạn",
            "amount": 0,
            "unit": "dossier",
            "cap": None,
            "conditions": "Miễn lệ phí khi đăng ký đúng hạn.",
        }
    ],
    "fee_note": "",
    "components": [
        {
            "name": "Tờ khai đăng ký khai sinh",
            "paper_form": "original",
            "count": 1,
            "mandatory": True,
            "note": "",
            "template_url": "https://dichvucong.haugiang.gov.vn/thu-tuc/mau/12/",
        },
        {
            "name": "Giấy chứng sinh",
            "paper_form": "original",
            "count": 1,
            "mandatory": True,
            "note": "",
            "template_url": None,
        },
    ],
    "steps": [
        "Bước 1: Người yêu cầu nộp hồ sơ tại Bộ phận Một cửa hoặc trực tuyến.",
        "Bước 2: Công chức tư pháp - hộ tịch kiểm tra, ghi vào Sổ hộ tịch.",
        "Bước 3: Trả Giấy khai sinh.",
    ],
    "conditions": "",
    "legal_basis": ["Luật Hộ tịch số 60/2014/QH13", "Nghị định số 123/2015/NĐ-CP"],
    "result_document": "Giấy khai sinh",
    "announcing_decision": {"number": "1234/QĐ-UBND", "date": "2025-06-20"},
    "retention_years": None,
    "unverified": ["fees"],
    "sources": "Cơ sở dữ liệu quốc gia về thủ tục hành chính",
}

BAD_PARAMETERS = OpenApiResponse(
    response=ErrorSerializer,
    description="Tham số không hợp lệ.",
    examples=[
        OpenApiExample(
            "Mức độ không hợp lệ",
            value={
                "detail": "Một số tham số không hợp lệ: online_level.",
                "code": "invalid",
                "errors": {"online_level": ["“7” không phải là lựa chọn hợp lệ."]},
            },
        )
    ],
)
NOT_FOUND = OpenApiResponse(
    response=ErrorSerializer,
    description="Không có thủ tục đã công bố với mã này.",
    examples=[
        OpenApiExample("Không tìm thấy", value={"detail": "Không tìm thấy.", "code": "not_found"})
    ],
)
THROTTLED = OpenApiResponse(
    response=ErrorSerializer,
    description="Quá nhiều yêu cầu; header Retry-After cho biết số giây chờ.",
)


class ProcedureListView(GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = ProcedureListItemSerializer

    @extend_schema(
        operation_id="procedures_list",
        auth=[],  # public: no sign-in
        tags=["procedures"],
        summary="Tìm thủ tục hành chính đã công bố",
        description=(
            "Tìm theo từ khoá (không phân biệt dấu, d/đ, i/y; chịu được lỗi gõ nhỏ) và lọc theo "
            "ngành, lĩnh vực, cơ quan, cấp thực hiện, mức độ trực tuyến, đối tượng. Các bộ lọc "
            "kết hợp với nhau. Có từ khoá: xếp theo mức độ phù hợp; không có: theo tên. "
            "Phân trang theo số trang, không đếm tổng."
        ),
        parameters=[ProcedureSearchParamsSerializer],
        responses={
            200: ProcedureListItemSerializer(many=True),
            400: BAD_PARAMETERS,
            429: THROTTLED,
        },
        examples=[
            OpenApiExample(
                "Tìm “dang ky khai sinh”",
                value=LIST_ITEM_EXAMPLE,
                response_only=True,
                status_codes=["200"],
            )
        ],
    )
    def get(self, request):
        # A plain dict, not the QueryDict: DRF reads an empty value of an HTML form's field as
        # absent, and the schema (minLength 1, enums) says an empty filter is not a value.
        params = ProcedureSearchParamsSerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        # Only the columns a list item shows: the search joins four tables of wide rows.
        versions = procedure_search(**params.selector_arguments()).only(*LIST_ITEM_COLUMNS)
        page = self.paginate_queryset(versions)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)


class ProcedureDetailView(GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = ProcedureDetailSerializer
    pagination_class = None

    @extend_schema(
        operation_id="procedures_retrieve",
        auth=[],  # public: no sign-in
        tags=["procedures"],
        summary="Toàn bộ thông tin của một thủ tục đã công bố",
        description=(
            "Phiên bản đang công bố: thời hạn, phí và lệ phí, thành phần hồ sơ (kèm mẫu để tải), "
            "trình tự, cách thức, cấp và đối tượng thực hiện, nơi tiếp nhận và liên hệ, căn cứ "
            "pháp lý, quyết định công bố, và các giá trị chưa được xác minh."
        ),
        parameters=[
            OpenApiParameter(
                "code",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                # The schema's regular expressions are ECMA's: ^ and $ for Python's \A and \Z.
                pattern=LOCAL_CODE_PATTERN.replace(r"\A", "^").replace(r"\Z", "$"),
                description="Mã thủ tục của tỉnh, ví dụ 1.001193.000.00.00.H30.",
            )
        ],
        responses={200: ProcedureDetailSerializer, 404: NOT_FOUND, 429: THROTTLED},
        examples=[
            OpenApiExample(
                "Đăng ký khai sinh",
                value=DETAIL_EXAMPLE,
                response_only=True,
                status_codes=["200"],
            )
        ],
    )
    def get(self, request, code: str):
        version = procedure_get_public(local_code=code)
        if version is None:
            raise NotFound()
        return Response(self.get_serializer(version).data)
