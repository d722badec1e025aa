"""Demo accounts: one officer of each role in four agencies, a province admin and two
applicants, all with the same password and verified e-mail addresses under
demo.haugiang.local (not a real domain). Loaded by `manage.py load_demo` after the agencies.

`load()` is idempotent: it creates what is missing, through the services (so the audit trail
records it), and leaves existing accounts as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from dichvucong.agencies.models import Agency

from . import services
from .models import Membership, User

DEMO_PASSWORD = "DemoDVC@2019"  # noqa: S105 - printed for the demo on purpose
DOMAIN = "demo.haugiang.local"
Role = Membership.Role


class DemoAgencyMissing(LookupError):
    pass


# (identifier, e-mail tag) of the agencies the demo staffs; the agencies demo creates them.
AGENCIES = (
    ("000.01.01.H30", "tttphcc"),  # Trung tâm Phục vụ hành chính công tỉnh
    ("000.00.02.H30", "stp"),  # Sở Tư pháp
    ("000.00.21.H30", "vithanh"),  # UBND thành phố Vị Thanh
    ("000.03.21.H30", "hoaluu"),  # UBND xã Hỏa Lựu
)
# The province admin works at the IT department (Sở Thông tin và Truyền thông, seed S24).
PROVINCE_ADMIN_AGENCY = "000.00.13.H30"

ROLE_TAGS = {
    Role.ONE_STOP_OFFICER: "motcua",
    Role.SPECIALIST: "chuyenvien",
    Role.LEADER: "lanhdao",
    Role.AGENCY_ADMIN: "quantri",
}

# Plausible names, one per (agency, role), in the order of AGENCIES and ROLE_TAGS.
NAMES = (
    ("Trần Thị Bích Ngọc", "Lê Văn Hùng", "Phạm Minh Tuấn", "Võ Thị Thu Hà"),
    ("Nguyễn Thị Mỹ Linh", "Huỳnh Văn Phúc", "Đặng Quốc Bảo", "Lâm Thị Kim Anh"),
    ("Trương Thị Hồng Nhung", "Phan Thanh Tâm", "Lý Văn Dũng", "Đỗ Thị Ngọc Trâm"),
    ("Châu Thị Diễm My", "Bùi Văn Lợi", "Tạ Minh Khang", "Mai Thị Thanh Thúy"),
)


@dataclass(frozen=True)
class DemoOfficer:
    email: str
    full_name: str
    role: str
    agency_code: str


@dataclass(frozen=True)
class DemoApplicant:
    email: str
    full_name: str
    kind: str
    id_number: str
    tax_code: str
    phone: str
    address: str


OFFICERS: tuple[DemoOfficer, ...] = (
    *(
        DemoOfficer(f"{ROLE_TAGS[role]}.{tag}@{DOMAIN}", NAMES[a][r], role, code)
        for a, (code, tag) in enumerate(AGENCIES)
        for r, role in enumerate(ROLE_TAGS)
    ),
    DemoOfficer(
        f"quantri.tinh@{DOMAIN}", "Nguyễn Hoàng Nam", Role.PROVINCE_ADMIN, PROVINCE_ADMIN_AGENCY
    ),
)

APPLICANTS: tuple[DemoApplicant, ...] = (
    DemoApplicant(
        email=f"nguyenvanan@{DOMAIN}",
        full_name="Nguyễn Văn An",
        kind=User.Kind.INDIVIDUAL,
        # 093: Hậu Giang's code on the citizen identity card; the rest is made up.
        id_number="093090001234",
        tax_code="",
        phone="0912345678",
        address="Số 25 đường 3 Tháng 2, phường V, thành phố Vị Thanh, tỉnh Hậu Giang",
    ),
    DemoApplicant(
        email=f"congtydemo@{DOMAIN}",
        full_name="Công ty TNHH Demo Hậu Giang",
        kind=User.Kind.ORGANISATION,
        id_number="",
        tax_code="6300123456",
        phone="02933876999",
        address="Số 10 Trần Hưng Đạo, phường I, thành phố Vị Thanh, tỉnh Hậu Giang",
    ),
)

APPLICANT_ROLE = {
    User.Kind.INDIVIDUAL: "applicant (citizen)",
    User.Kind.ORGANISATION: "applicant (organisation)",
}


def logins() -> list[dict]:
    """The demo logins, for `load_demo` to print (no database access)."""
    rows = [
        {
            "email": officer.email,
            "password": DEMO_PASSWORD,
            "role": officer.role,
            "agency": officer.agency_code,
        }
        for officer in OFFICERS
    ]
    rows += [
        {
            "email": applicant.email,
            "password": DEMO_PASSWORD,
            "role": APPLICANT_ROLE[applicant.kind],
            "agency": "",
        }
        for applicant in APPLICANTS
    ]
    return rows


def _agencies() -> dict[str, Agency]:
    codes = {officer.agency_code for officer in OFFICERS}
    found = {agency.code: agency for agency in Agency.objects.filter(code__in=codes)}
    missing = sorted(codes - found.keys())
    if missing:
        raise DemoAgencyMissing(
            "The accounts demo needs the agencies "
            + ", ".join(missing)
            + ", which are missing: load the agencies demo first (manage.py load_demo)."
        )
    return found


def load() -> list[dict]:
    agencies = _agencies()
    for officer in OFFICERS:
        user = User.objects.filter(email__iexact=officer.email).first()
        if user is None:
            user = services.user_create_officer(
                email=officer.email,
                full_name=officer.full_name,
                password=DEMO_PASSWORD,
                email_verified=True,
            )
        agency = agencies[officer.agency_code]
        held = Membership.objects.active().filter(user=user, agency=agency, role=officer.role)
        if not held.exists():
            services.membership_grant(user=user, agency=agency, role=officer.role)
    for applicant in APPLICANTS:
        user = User.objects.filter(email__iexact=applicant.email).first()
        if user is None:
            user = services.user_register_applicant(
                email=applicant.email,
                password=DEMO_PASSWORD,
                full_name=applicant.full_name,
                kind=applicant.kind,
                id_number=applicant.id_number,
                tax_code=applicant.tax_code,
                phone=applicant.phone,
                address=applicant.address,
            )
        services.user_email_mark_verified(user=user)
    return logins()
