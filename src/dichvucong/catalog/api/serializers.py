"""The catalogue's REST representation: query parameters, list items and the full procedure.

Read-only. Every value comes from a published version read by catalog.selectors; these classes
only shape it. Descriptions are in Vietnamese: they document the schema for the province's
integrators.
"""

from __future__ import annotations

from django.core.validators import ProhibitNullCharactersValidator, RegexValidator
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dichvucong.agencies.models import Level

from ..models import (
    Component,
    Fee,
    OnlineLevel,
    OnlineServiceKind,
    ProcedureVersion,
    ProcessRole,
    ProcessStep,
    TimeOption,
)
from ..selectors import MAX_QUERY_LENGTH

SUBJECTS = (("citizens", "Công dân"), ("organisations", "Tổ chức"))
CHANNELS = (("counter", "Tại bộ phận một cửa"), ("post", "Qua bưu chính"), ("online", "Trực tuyến"))


class TextParamField(serializers.CharField):
    """A text parameter taken as sent (no trimming: the schema's lengths count what is sent)
    whose refusal of NUL the schema states as a pattern, so that clients read it there."""

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)
        # DRF's own NUL check, replaced by the same rule as a pattern drf-spectacular publishes.
        self.validators = [
            validator
            for validator in self.validators
            if not isinstance(validator, ProhibitNullCharactersValidator)
        ]
        self.validators.append(
            RegexValidator(
                r"^[^\x00]+$",  # "+": with allow_blank the schema adds the empty string
                message=ProhibitNullCharactersValidator.message,
                code=ProhibitNullCharactersValidator.code,
            )
        )


class ProcedureSearchParamsSerializer(serializers.Serializer):
    """The list's query parameters; anything else in the query string is ignored."""

    q = TextParamField(
        required=False,
        allow_blank=True,
        max_length=MAX_QUERY_LENGTH,  # the search's own limit, one number
        help_text=(
            "Từ khoá, gõ có dấu hay không dấu đều được (“dang ky khai sinh”, “khai sinh”); "
            "kết quả xếp theo mức độ phù hợp. Bỏ trống: mọi thủ tục."
        ),
    )
    sector = TextParamField(
        required=False, max_length=30, help_text="Mã ngành, ví dụ TP (Tư pháp)."
    )
    field = TextParamField(
        required=False, max_length=30, help_text="Mã lĩnh vực, ví dụ HT (Hộ tịch)."
    )
    agency = TextParamField(
        required=False,
        max_length=35,
        help_text="Mã định danh của cơ quan có thẩm quyền, ví dụ 000.00.02.H30.",
    )
    level = serializers.ChoiceField(
        required=False,
        choices=Level.choices,
        help_text="Cấp thực hiện: tinh (tỉnh), huyen (huyện), xa (xã).",
    )
    online_level = serializers.ChoiceField(
        required=False,
        choices=OnlineLevel.choices,
        help_text="Mức độ dịch vụ công trực tuyến, 1-4.",
    )
    subject = serializers.ChoiceField(
        required=False,
        choices=SUBJECTS,
        help_text="Đối tượng thực hiện: citizens (công dân), organisations (tổ chức).",
    )

    def selector_arguments(self) -> dict:
        """The validated parameters as catalog.selectors.procedure_search's keywords."""
        data = self.validated_data
        return {
            "query": data.get("q", "").strip(),
            "sector": data.get("sector") or None,
            "field": data.get("field") or None,
            "agency": data.get("agency") or None,
            "level": data.get("level") or None,
            "online_level": data.get("online_level"),
            "subject": data.get("subject") or None,
        }


class ErrorSerializer(serializers.Serializer):
    """Lỗi: thông báo, mã lỗi, và với lỗi 400 là từng tham số không hợp lệ."""

    # The one shape of every API error (dichvucong.api.exceptions writes it).

    detail = serializers.CharField(help_text="Thông báo cho người đọc.")
    code = serializers.CharField(help_text="Mã lỗi ổn định cho chương trình.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Với lỗi 400: từng tham số không hợp lệ và lý do.",
    )


class SectorRefSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class FieldRefSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class AgencyRefSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True, help_text="Mã định danh điện tử.")
    name = serializers.CharField(read_only=True)


class DeskSerializer(serializers.Serializer):
    """Nơi tiếp nhận hồ sơ (bộ phận một cửa của cơ quan) và liên hệ công khai."""

    code = serializers.CharField(read_only=True, help_text="Mã định danh điện tử của cơ quan.")
    name = serializers.CharField(read_only=True)
    desk_name = serializers.CharField(read_only=True)
    desk_address = serializers.CharField(read_only=True)
    desk_phone = serializers.CharField(read_only=True)
    desk_email = serializers.CharField(read_only=True)
    desk_opening_hours = serializers.CharField(read_only=True)


_CODE_PLACEHOLDER = "0-local-code-0"


def _public_url(serializer: serializers.Serializer, version: ProcedureVersion) -> str:
    # Resolved once per response, not once per item: a page of 20 would reverse 20 times.
    # Local codes hold only letters, digits, dots and hyphens, which need no quoting.
    template = serializer.context.get("procedure_url_template")
    if template is None:
        path = reverse("catalog:detail", kwargs={"local_code": _CODE_PLACEHOLDER})
        request = serializer.context.get("request")
        template = request.build_absolute_uri(path) if request else path
        serializer.context["procedure_url_template"] = template
    return template.replace(_CODE_PLACEHOLDER, version.procedure.local_code)


def _subjects(version: ProcedureVersion) -> list[str]:
    flags = {"citizens": version.for_citizens, "organisations": version.for_organisations}
    return [code for code, _label in SUBJECTS if flags[code]]


def _channels(version: ProcedureVersion) -> list[str]:
    flags = {
        "counter": version.channel_counter,
        "post": version.channel_post,
        "online": version.channel_online,
    }
    return [code for code, _label in CHANNELS if flags[code]]


class ProcedureListItemSerializer(serializers.Serializer):
    code = serializers.CharField(
        source="procedure.local_code", read_only=True, help_text="Mã thủ tục của tỉnh (khoá URL)."
    )
    national_code = serializers.CharField(
        source="procedure.national_code",
        read_only=True,
        help_text="Mã trên Cơ sở dữ liệu quốc gia về TTHC; rỗng nếu chưa được xác minh.",
    )
    name = serializers.CharField(read_only=True, help_text="Tên thủ tục, đúng như được công bố.")
    sector = SectorRefSerializer(source="field.sector", read_only=True)
    field = FieldRefSerializer(read_only=True)
    levels = serializers.SerializerMethodField(help_text="Cấp thực hiện.")
    subjects = serializers.SerializerMethodField(help_text="Đối tượng thực hiện.")
    online_level = serializers.ChoiceField(
        choices=OnlineLevel.choices, read_only=True, help_text="Mức độ DVC trực tuyến 1-4."
    )
    online_service_kind = serializers.ChoiceField(
        choices=OnlineServiceKind.choices,
        read_only=True,
        help_text="Theo NĐ 42/2022: full (toàn trình), partial (một phần), none.",
    )
    competent_agency = AgencyRefSerializer(read_only=True)
    url = serializers.SerializerMethodField(help_text="Trang công khai của thủ tục.")

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=Level.choices))
    )
    def get_levels(self, version: ProcedureVersion) -> list[str]:
        return [str(level) for level in version.levels()]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=SUBJECTS)))
    def get_subjects(self, version: ProcedureVersion) -> list[str]:
        return _subjects(version)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, version: ProcedureVersion) -> str:
        return _public_url(self, version)

    def to_representation(self, version: ProcedureVersion) -> dict:
        """The fields declared above, written out: a page of 20 items through DRF's generic
        field machinery (five nested serializers each) costs several times more on the
        busiest endpoint. The declarations still define the schema, and a test checks that
        both give the same dictionary."""
        if type(self) is not ProcedureListItemSerializer:
            return super().to_representation(version)
        procedure, field = version.procedure, version.field
        sector, agency = field.sector, version.competent_agency
        return {
            "code": procedure.local_code,
            "national_code": procedure.national_code,
            "name": version.name,
            "sector": {"code": sector.code, "name": sector.name},
            "field": {"code": field.code, "name": field.name},
            "levels": [str(level) for level in version.levels()],
            "subjects": _subjects(version),
            "online_level": version.online_level,
            "online_service_kind": str(version.online_service_kind),
            "competent_agency": {"code": agency.code, "name": agency.name},
            "url": _public_url(self, version),
        }


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$",
        "example": "15:00:00",
    }
)
class LocalTimeField(serializers.TimeField):
    """A time of day on the province's clock, HH:MM:SS. Not `format: time`: that is RFC 3339's
    full-time, which requires an offset the catalogue's times do not carry."""


class TimeOptionSerializer(serializers.Serializer):
    label = serializers.CharField(
        read_only=True, help_text="Trường hợp áp dụng; rỗng nếu chỉ có một thời hạn."
    )
    duration = serializers.IntegerField(
        read_only=True, help_text="Thời hạn theo đơn vị `unit`; 0 khi giải quyết trong ngày."
    )
    unit = serializers.ChoiceField(
        choices=TimeOption._meta.get_field("unit").choices,
        read_only=True,
        help_text="hours (giờ làm việc), working_days (ngày làm việc), days (ngày), months (tháng).",
    )
    same_day = serializers.BooleanField(read_only=True, help_text="Giải quyết trong ngày.")
    cutoff = LocalTimeField(
        read_only=True,
        allow_null=True,
        help_text="Giờ chốt nhận hồ sơ để giải quyết trong ngày (HH:MM:SS), hoặc null.",
    )


class FeeSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    amount = serializers.IntegerField(read_only=True, help_text="Số tiền (đồng); 0 là miễn.")
    unit = serializers.ChoiceField(
        choices=Fee.Unit.choices,
        read_only=True,
        help_text="dossier (mỗi hồ sơ), copy (mỗi bản), page (mỗi trang).",
    )
    cap = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Mức thu tối đa (đồng), hoặc null."
    )
    conditions = serializers.CharField(read_only=True, help_text="Điều kiện áp dụng, miễn, giảm.")


class ComponentSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    paper_form = serializers.ChoiceField(
        choices=Component.PaperForm.choices,
        read_only=True,
        help_text=(
            "original (bản chính), certified_copy (bản sao chứng thực), copy (bản sao), "
            "original_or_certified (bản chính hoặc bản sao chứng thực)."
        ),
    )
    count = serializers.IntegerField(read_only=True, help_text="Số lượng bản.")
    mandatory = serializers.BooleanField(read_only=True, help_text="Bắt buộc hay không.")
    note = serializers.CharField(read_only=True)
    template_url = serializers.SerializerMethodField(
        help_text="Tải mẫu đơn, tờ khai; null nếu không có mẫu."
    )

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_template_url(self, component: Component) -> str | None:
        if not component.template:
            return None
        path = reverse("catalog:component-template", kwargs={"component_id": component.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ProcessStepSerializer(serializers.Serializer):
    """Một bước của quy trình điện tử (quy trình nội bộ, liên thông) sau khi tiếp nhận."""

    name = serializers.CharField(read_only=True)
    agency = serializers.SerializerMethodField(
        help_text="Cơ quan thực hiện bước; null: cơ quan đã tiếp nhận hồ sơ."
    )
    role = serializers.ChoiceField(
        choices=ProcessRole.choices,
        read_only=True,
        help_text="one_stop_officer (công chức một cửa), specialist (chuyên viên), "
        "leader (lãnh đạo).",
    )
    duration = serializers.IntegerField(read_only=True, help_text="Thời gian của bước.")
    # Text, not a third "unit" enum: the schema's enum names would collide (TimeOption, Fee).
    unit = serializers.CharField(
        read_only=True,
        help_text="hours (giờ làm việc), working_days (ngày làm việc), days (ngày), months (tháng).",
    )
    may_return = serializers.BooleanField(
        read_only=True, help_text="Có thể chuyển trả hồ sơ về bước trước."
    )

    @extend_schema_field(AgencyRefSerializer(allow_null=True))
    def get_agency(self, step: ProcessStep) -> dict[str, str] | None:
        if step.at_receiving_agency:
            return None
        return {"code": step.agency.code, "name": step.agency.name}


class AnnouncingDecisionSerializer(serializers.Serializer):
    number = serializers.CharField(
        source="announcing_decision_number", read_only=True, help_text="Số quyết định công bố."
    )
    date = serializers.DateField(source="announcing_decision_date", read_only=True, allow_null=True)


class ProcedureDetailSerializer(ProcedureListItemSerializer):
    dvc_code = serializers.CharField(
        source="procedure.dvc_code", read_only=True, help_text="Mã dịch vụ công trực tuyến."
    )
    national_portal_url = serializers.CharField(
        source="procedure.national_portal_url",
        read_only=True,
        help_text="Trang của thủ tục trên Cổng DVC quốc gia; rỗng nếu chưa có mã quốc gia.",
    )
    version = serializers.IntegerField(source="number", read_only=True)
    published_at = serializers.DateTimeField(read_only=True)
    receiving_agencies = DeskSerializer(
        many=True, read_only=True, help_text="Nơi tiếp nhận hồ sơ và liên hệ."
    )
    channels = serializers.SerializerMethodField(help_text="Cách thức nộp hồ sơ.")
    time_options = TimeOptionSerializer(many=True, read_only=True)
    fees = FeeSerializer(many=True, read_only=True)
    fee_note = serializers.CharField(read_only=True)
    components = ComponentSerializer(many=True, read_only=True)
    steps = serializers.SerializerMethodField(help_text="Trình tự thực hiện.")
    process = ProcessStepSerializer(
        source="process_steps",
        many=True,
        read_only=True,
        help_text="Quy trình xử lý điện tử: các bước, cơ quan, người thực hiện, thời gian.",
    )
    conditions = serializers.CharField(read_only=True)
    legal_basis = serializers.SerializerMethodField(
        help_text="Căn cứ pháp lý, mỗi văn bản một dòng."
    )
    result_document = serializers.CharField(read_only=True)
    announcing_decision = AnnouncingDecisionSerializer(source="*", read_only=True)
    retention_years = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Thời hạn lưu hồ sơ (năm); null: vĩnh viễn."
    )
    unverified = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Tên các trường có giá trị chưa được đối chiếu với nguồn chính thức.",
    )
    sources = serializers.CharField(read_only=True)

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=CHANNELS)))
    def get_channels(self, version: ProcedureVersion) -> list[str]:
        return _channels(version)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_steps(self, version: ProcedureVersion) -> list[str]:
        return [step.description for step in version.steps.all()]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_legal_basis(self, version: ProcedureVersion) -> list[str]:
        return [line.strip() for line in version.legal_basis.splitlines() if line.strip()]
