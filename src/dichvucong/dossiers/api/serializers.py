"""The public status lookup's JSON: a fixed whitelist of keys, written out from PublicStatus.

The body is built by `public_status_data` (a dictionary written out, as the catalogue's list
items are: cheaper than DRF's generic path on the busiest public read); the serializers below
declare the same keys for the OpenAPI schema, and a test checks the two agree.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from rest_framework import serializers

from ..selectors.public import PublicAgency, PublicStatus


def _local(value: datetime.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _agency(agency: PublicAgency | None) -> dict | None:
    return {"code": agency.code, "name": agency.name} if agency else None


def public_status_data(status: PublicStatus) -> dict:
    return {
        "code": status.code,
        "procedure": {"code": status.procedure_code, "name": status.procedure_name},
        "receiving_agency": _agency(status.receiving_agency),
        "processing_agency": _agency(status.processing_agency),
        "status": {
            "code": status.status,
            "label": status.status_label,
            "national_code": status.national_code,
            "national_label": status.national_label,
        },
        "received_at": _local(status.received_at),
        "due_at": _local(status.due_at),
        "extended_due_at": _local(status.extended_due_at),
        "finished_at": _local(status.finished_at),
        "returned_at": _local(status.returned_at),
        "steps": [
            {
                "label": step.label,
                "at": _local(step.at),
                "agency": step.agency,
                "national_code": step.national_code,
                "national_label": step.national_label,
            }
            for step in status.steps
        ],
    }


class PublicAgencySerializer(serializers.Serializer):
    """Cơ quan: mã định danh và tên."""

    code = serializers.CharField(help_text="Mã định danh của cơ quan.")
    name = serializers.CharField(help_text="Tên cơ quan.")


class PublicProcedureSerializer(serializers.Serializer):
    """Thủ tục hành chính của hồ sơ."""

    code = serializers.CharField(help_text="Mã thủ tục.")
    name = serializers.CharField(help_text="Tên thủ tục.")


class PublicStatusLabelSerializer(serializers.Serializer):
    """Trạng thái hồ sơ: nhãn của cổng và mã, nhãn của Cổng Dịch vụ công quốc gia."""

    code = serializers.CharField(help_text="Mã trạng thái nội bộ (ổn định cho chương trình).")
    label = serializers.CharField(help_text="Tên trạng thái.")
    national_code = serializers.IntegerField(
        allow_null=True, help_text="Mã trạng thái theo Cổng Dịch vụ công quốc gia (1-10)."
    )
    national_label = serializers.CharField(
        allow_null=True, help_text="Tên trạng thái theo Cổng Dịch vụ công quốc gia."
    )


class PublicStepSerializer(serializers.Serializer):
    """Một bước đã qua của hồ sơ."""

    label = serializers.CharField(help_text="Bước xử lý.")
    at = serializers.DateTimeField(help_text="Thời điểm (giờ Việt Nam).")
    agency = serializers.CharField(allow_null=True, help_text="Cơ quan thực hiện bước này.")
    national_code = serializers.IntegerField(
        allow_null=True,
        help_text="Trạng thái của hồ sơ sau bước này, theo mã của Cổng Dịch vụ công quốc gia.",
    )
    national_label = serializers.CharField(
        allow_null=True, help_text="Tên trạng thái đó theo Cổng Dịch vụ công quốc gia."
    )


class PublicStatusSerializer(serializers.Serializer):
    """Tình trạng hồ sơ tra cứu công khai theo mã hồ sơ; không có thông tin cá nhân."""

    code = serializers.CharField(help_text="Mã hồ sơ.")
    procedure = PublicProcedureSerializer()
    receiving_agency = PublicAgencySerializer(help_text="Cơ quan tiếp nhận.")
    processing_agency = PublicAgencySerializer(
        allow_null=True, help_text="Cơ quan giải quyết (khi đã xác định)."
    )
    status = PublicStatusLabelSerializer()
    received_at = serializers.DateTimeField(allow_null=True, help_text="Ngày giờ tiếp nhận.")
    due_at = serializers.DateTimeField(allow_null=True, help_text="Ngày giờ hẹn trả kết quả.")
    extended_due_at = serializers.DateTimeField(
        allow_null=True, help_text="Ngày giờ hẹn trả mới (khi được gia hạn)."
    )
    finished_at = serializers.DateTimeField(allow_null=True, help_text="Ngày giờ giải quyết xong.")
    returned_at = serializers.DateTimeField(allow_null=True, help_text="Ngày giờ trả kết quả.")
    steps = PublicStepSerializer(many=True, help_text="Các bước đã qua, theo thời gian.")
