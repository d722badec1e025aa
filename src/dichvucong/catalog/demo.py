"""Demo catalogue: real procedures of a province's three levels, loaded by `manage.py load_demo`
after the agencies and the accounts.

The procedures live in `data/demo_procedures.json`, in the exchange format (catalog.content),
and are imported through the same importer an operator uses (catalog.importing), as the
system: every procedure is published, the audit trail records it, and a second load finds
every content hash unchanged and writes nothing. What is verified and what is not is said per
procedure in the data itself (`unverified`, `sources`) and in docs/catalogue-sources.md.

Three procedures of §10.2 belong to agencies outside the province's one-stop tree (the police
for residence and identity cards, social insurance for health-insurance cards); the agencies
demo has none, so this module adds the three it needs, with ILLUSTRATIVE identifier codes
under H30 and demo contacts, as the agencies demo does for its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from dichvucong.agencies import demo as agencies_demo
from dichvucong.agencies import services as agency_services
from dichvucong.agencies.models import AdministrativeUnit, Agency, Level
from dichvucong.core.errors import ServiceError

from .importing import procedures_import

DATA_FILE = Path(__file__).resolve().parent / "data" / "demo_procedures.json"

PROVINCE_UNIT = agencies_demo.PROVINCE_CODE
VI_THANH_UNIT = "930"  # TP Vị Thanh in the agencies demo (illustrative statistical code)


@dataclass(frozen=True)
class SectorAgency:
    code: str  # ILLUSTRATIVE identifier
    name: str
    short_name: str
    level: str
    unit_code: str
    parent_code: str | None
    desk_name: str
    desk_address: str
    desk_phone: str  # a demo number
    email_tag: str


SECTOR_AGENCIES = (
    SectorAgency(
        code="000.00.41.H30",
        name="Công an tỉnh Hậu Giang",
        short_name="Công an tỉnh",
        level=Level.PROVINCE,
        unit_code=PROVINCE_UNIT,
        parent_code=None,
        desk_name="Bộ phận tiếp nhận hồ sơ Phòng Cảnh sát quản lý hành chính về trật tự xã hội",
        desk_address="Số 01 Trần Hưng Đạo, phường V, TP Vị Thanh, tỉnh Hậu Giang",
        desk_phone="0293 3500 141",
        email_tag="congan",
    ),
    SectorAgency(
        code="000.21.41.H30",
        name="Công an thành phố Vị Thanh",
        short_name="Công an TP Vị Thanh",
        level=Level.DISTRICT,
        unit_code=VI_THANH_UNIT,
        parent_code="000.00.41.H30",
        desk_name="Bộ phận tiếp nhận hồ sơ Công an thành phố Vị Thanh",
        desk_address="Số 10 Nguyễn Công Trứ, phường I, TP Vị Thanh, tỉnh Hậu Giang",
        desk_phone="0293 3876 141",
        email_tag="congan.vithanh",
    ),
    SectorAgency(
        code="000.00.42.H30",
        name="Bảo hiểm xã hội tỉnh Hậu Giang",
        short_name="BHXH tỉnh",
        level=Level.PROVINCE,
        unit_code=PROVINCE_UNIT,
        parent_code=None,
        desk_name="Bộ phận Tiếp nhận và Trả kết quả thủ tục hành chính Bảo hiểm xã hội tỉnh",
        desk_address="Số 20 Trần Hưng Đạo, phường V, TP Vị Thanh, tỉnh Hậu Giang",
        desk_phone="0293 3500 142",
        email_tag="bhxh",
    ),
)


class DemoCatalogueError(ServiceError):
    default_code = "demo_catalogue"


def _unit(code: str) -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.filter(code=code).first()
    if unit is None:
        raise DemoCatalogueError(
            _("The demo catalogue needs the demo agencies: load them first (unit %(code)s).")
            % {"code": code}
        )
    return unit


def _sector_agencies() -> dict[str, int]:
    """Create the sector agencies that are missing, update those that differ (idempotent)."""
    counts = {"agencies_created": 0, "agencies_updated": 0}
    for spec in SECTOR_AGENCIES:
        fields = {
            "name": spec.name,
            "short_name": spec.short_name,
            "level": spec.level,
            "unit": _unit(spec.unit_code),
            "parent": Agency.objects.get(code=spec.parent_code) if spec.parent_code else None,
            "valid_from": agencies_demo.VALID_FROM,
            "receives_dossiers": True,
            "desk_name": spec.desk_name,
            "desk_address": spec.desk_address,
            "desk_phone": spec.desk_phone,
            "desk_email": f"motcua.{spec.email_tag}@demo.haugiang.local",
            "desk_opening_hours": agencies_demo.HOURS,
        }
        existing = Agency.objects.filter(code=spec.code).first()
        if existing is None:
            agency_services.agency_create(code=spec.code, **fields)
            counts["agencies_created"] += 1
        elif any(getattr(existing, name) != value for name, value in fields.items()):
            agency_services.agency_update(agency=existing, data=fields)
            counts["agencies_updated"] += 1
    return counts


def load() -> dict[str, int]:
    """Import the demo catalogue as the system; returns how many procedures were created,
    updated (a new version published) and left unchanged, and the sector agencies written.

    Refuses with a DemoCatalogueError, writing nothing, if the data does not import cleanly.
    """
    with transaction.atomic():
        counts = _sector_agencies()
        report = procedures_import(data=DATA_FILE.read_bytes(), filename=DATA_FILE.name, actor=None)
        if not report.ok:
            raise DemoCatalogueError("\n".join(report.lines()))
    counts.update(
        procedures_created=len(report.created),
        procedures_updated=len(report.updated),
        procedures_unchanged=len(report.unchanged),
    )
    return counts
