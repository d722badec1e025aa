"""The public status lookup in the API: GET /api/v1/dossiers/{code}/status/.

An interface: check the code's format (400, before any query), call the selector, shape the
whitelisted answer (404 when no dossier has the code). Its own per-client limit (429).
"""

from __future__ import annotations

from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status as http_status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from dichvucong.catalog.api.serializers import ErrorSerializer

from ..selectors.public import CODE_EXAMPLE, CODE_PATTERN, MalformedCode, dossier_public_status
from .serializers import PublicStatusSerializer, public_status_data
from .throttling import LookupRateThrottle


class InvalidDossierCode(APIException):
    status_code = http_status.HTTP_400_BAD_REQUEST
    default_code = "invalid_code"


STATUS_EXAMPLE = {
    "code": CODE_EXAMPLE,
    "procedure": {"code": "1.001193.000.00.00.H30", "name": "Đăng ký khai sinh"},
    "receiving_agency": {"code": "000.00.02.H30", "name": "Sở Tư pháp tỉnh Hậu Giang"},
    "processing_agency": {"code": "000.00.02.H30", "name": "Sở Tư pháp tỉnh Hậu Giang"},
    "status": {
        "code": "received",
        "label": "Đã tiếp nhận",
        "national_code": 2,
        "national_label": "Được tiếp nhận",
    },
    "received_at": "2025-07-01T08:15:00+07:00",
    "due_at": "2025-07-04T08:15:00+07:00",
    "extended_due_at": None,
    "finished_at": None,
    "returned_at": None,
    "steps": [
        {
            "label": "Nộp trực tuyến",
            "at": "2025-06-30T20:41:12+07:00",
            "agency": "Sở Tư pháp tỉnh Hậu Giang",
            "national_code": 1,
            "national_label": "Mới đăng ký",
        },
        {
            "label": "Bộ phận một cửa tiếp nhận",
            "at": "2025-07-01T08:15:00+07:00",
            "agency": "Sở Tư pháp tỉnh Hậu Giang",
            "national_code": 2,
            "national_label": "Được tiếp nhận",
        },
    ],
}


class DossierPublicStatusView(APIView):
    """A dossier's public status by its code alone: no personal data (docs/decisions/0006)."""

    permission_classes = [AllowAny]
    # Nobody signs in for a public read: no session is loaded, and no CSRF applies.
    authentication_classes: list = []
    throttle_classes = [LookupRateThrottle]

    @extend_schema(
        operation_id="dossier_public_status",
        auth=[],  # public: no sign-in
        tags=["dossiers"],
        summary="Tra cứu tình trạng hồ sơ theo mã hồ sơ",
        description=(
            "Mã hồ sơ in trên giấy tiếp nhận và hẹn trả kết quả (và trong mã QR của giấy). "
            "Kết quả chỉ gồm thủ tục, cơ quan tiếp nhận và giải quyết, trạng thái (nhãn của "
            "cổng và mã 1-10 của Cổng Dịch vụ công quốc gia), các mốc thời gian và các bước "
            "đã qua (thời điểm, cơ quan, mã và tên trạng thái quốc gia); không có thông tin "
            "cá nhân (họ tên, số định danh, điện thoại, thư điện tử, địa chỉ, người xử lý, "
            "ghi chú). Mã sai định dạng bị từ chối (400) trước khi "
            "tra cứu; mỗi máy khách có giới hạn số lần tra cứu riêng (429)."
        ),
        parameters=[
            OpenApiParameter(
                "code",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                pattern=CODE_PATTERN.pattern,
                description=(
                    "Mã hồ sơ: <mã định danh cơ quan tiếp nhận>-<YYMMDD>-<số thứ tự>; "
                    "chữ thường được đọc thành chữ hoa."
                ),
                examples=[OpenApiExample("Mã hồ sơ", value=CODE_EXAMPLE)],
            )
        ],
        responses={
            200: OpenApiResponse(
                response=PublicStatusSerializer,
                description="Tình trạng công khai của hồ sơ (không có thông tin cá nhân).",
            ),
            400: OpenApiResponse(
                response=ErrorSerializer,
                description="Mã hồ sơ sai định dạng.",
                examples=[
                    OpenApiExample(
                        "Mã sai định dạng",
                        value={
                            "detail": (
                                "“abc” không phải là mã hồ sơ. Mã hồ sơ có dạng "
                                f"{CODE_EXAMPLE}: mã định danh của cơ quan tiếp nhận, ngày "
                                "tiếp nhận (YYMMDD) và số thứ tự, cách nhau bởi dấu gạch ngang."
                            ),
                            "code": "invalid_code",
                        },
                    )
                ],
            ),
            404: OpenApiResponse(
                response=ErrorSerializer,
                description="Không có hồ sơ nào mang mã này.",
                examples=[
                    OpenApiExample(
                        "Không tìm thấy",
                        value={
                            "detail": "Không tìm thấy hồ sơ có mã này.",
                            "code": "not_found",
                        },
                    )
                ],
            ),
            429: OpenApiResponse(
                response=ErrorSerializer,
                description=(
                    "Quá nhiều lần tra cứu từ một máy khách; header Retry-After cho biết số "
                    "giây chờ."
                ),
                examples=[
                    OpenApiExample(
                        "Quá nhiều yêu cầu",
                        value={
                            "detail": "Quá nhiều yêu cầu. Vui lòng thử lại sau 12 giây.",
                            "code": "throttled",
                        },
                    )
                ],
            ),
        },
        examples=[OpenApiExample("Hồ sơ đã tiếp nhận", value=STATUS_EXAMPLE, response_only=True)],
    )
    def get(self, request, code: str):
        try:
            found = dossier_public_status(code=code)
        except MalformedCode as exc:
            raise InvalidDossierCode(str(exc.message), code=exc.code) from None
        if found is None:
            raise NotFound(gettext("No dossier has this code."))
        response = Response(public_status_data(found))
        # The status changes as the dossier moves: no shared cache keeps an old answer.
        patch_cache_control(response, no_cache=True, private=True)
        return response
