"""The API app's own endpoints: the baseline read, the schema's documentation page, JSON 404."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from dichvucong.agencies.models import AGENCY_CODE_PATTERN, Agency
from dichvucong.catalog.api.serializers import ErrorSerializer

from .selectors import agency_contact_get
from .serializers import AgencyContactSerializer

NOT_FOUND = OpenApiResponse(
    response=ErrorSerializer,
    description="Không tìm thấy.",
    examples=[
        OpenApiExample("Không tìm thấy", value={"detail": "Không tìm thấy.", "code": "not_found"})
    ],
)
THROTTLED = OpenApiResponse(
    response=ErrorSerializer,
    description="Quá nhiều yêu cầu từ một máy khách; header Retry-After cho biết số giây chờ.",
    examples=[
        OpenApiExample(
            "Quá nhiều yêu cầu",
            value={
                "detail": "Quá nhiều yêu cầu. Vui lòng thử lại sau 12 giây.",
                "code": "throttled",
            },
        )
    ],
)


class AgencyContactBaselineView(APIView):
    """One agency's desk contact by its identifier code: one indexed row, nothing else.

    The benchmark (bench/) measures every scenario as a ratio to this endpoint, which goes
    through the same middleware, authentication and throttling as the rest of the API.
    """

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="baseline_agency_contact",
        auth=[],  # public: no sign-in
        tags=["baseline"],
        summary="Liên hệ bộ phận một cửa của một cơ quan (điểm chuẩn hiệu năng)",
        description=(
            "Đọc đúng một dòng theo mã định danh (khoá duy nhất, có chỉ mục) và trả về liên hệ "
            "công khai của bộ phận một cửa. Công cụ đo hiệu năng (`make bench`) lấy điểm cuối "
            "này làm mức sàn: mọi con số được báo cáo theo tỉ lệ so với nó."
        ),
        parameters=[
            OpenApiParameter(
                "code",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                # ECMA's anchors (^, $) for Python's \A and \Z.
                pattern=AGENCY_CODE_PATTERN.replace(r"\A", "^").replace(r"\Z", "$"),
                description="Mã định danh của cơ quan, ví dụ 000.00.02.H30.",
            )
        ],
        responses={
            200: AgencyContactSerializer,
            404: NOT_FOUND,
            429: THROTTLED,
        },
        examples=[
            OpenApiExample(
                "Sở Tư pháp",
                value={
                    "code": "000.00.02.H30",
                    "name": "Sở Tư pháp tỉnh Hậu Giang",
                    "desk_name": "Bộ phận tiếp nhận và trả kết quả",
                    "desk_address": "Số 1 đường Võ Văn Kiệt, phường 5, TP Vị Thanh",
                    "desk_phone": "0293 3 870 000",
                    "desk_email": "stp@haugiang.gov.vn",
                    "desk_opening_hours": "Sáng 07:00-11:30, chiều 13:30-17:00",
                },
                response_only=True,
            )
        ],
    )
    def get(self, request, code: str):
        try:
            agency = agency_contact_get(code=code)
        except Agency.DoesNotExist:
            raise NotFound() from None
        return Response(AgencyContactSerializer(agency).data)


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar's static files, under the portal's strict CSP.

    The split view serves the start-up script from its own URL (script-src 'self') and our
    template loads the page's few styles from a static file instead of an inline <style>.
    """

    template_name = "api/swagger_ui.html"
    title = "Cổng dịch vụ công — API v1"


class ApiNotFoundView(APIView):
    """Unknown addresses under /api/v1/ answer in JSON, like the rest of the API."""

    permission_classes = [AllowAny]
    schema = None  # not an operation

    def get(self, request, *args, **kwargs):
        raise NotFound()

    post = put = patch = delete = get
