"""Dossiers with every printed value fixed, for the forms' golden files.

golden_dossier(state="received", on=<aware datetime>)   received at `on` (register 2026/15)
golden_dossier(state="supplement_requested", on=...)      a supplement request issued at `on`
golden_dossier(state="refused", on=...)                   refused at `on`

Factory sequences differ with the order tests run in, so every name the forms print is set here.
"""

import datetime

from dichvucong.core.selectors import ruleset_in_force
from dichvucong.dossiers.models import SupplementRequest
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProcedureVersionFactory
from tests.dossiers.factories import DossierFactory, DossierHistoryFactory

RECEIVED_2026 = datetime.datetime(2026, 2, 13, 10, 0, tzinfo=datetime.UTC) - datetime.timedelta(
    hours=7
)  # 10:00 in Hà Nội time


def _fixed_version():
    version = ProcedureVersionFactory(published=True)
    version.name = "Đăng ký khai sinh"
    version.save(update_fields=["name"])
    names = ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    for component, name in zip(version.components.order_by("position", "id"), names, strict=True):
        component.name = name
        component.save(update_fields=["name"])
    version.fees.update(amount=0)
    agency = version.receiving_agencies.first()
    agency.unit.name = "Xã Hỏa Lựu"
    agency.unit.save(update_fields=["name"])
    agency.name = "Ủy ban nhân dân xã Hỏa Lựu"
    agency.parent = None
    agency.desk_name = "Bộ phận Một cửa xã Hỏa Lựu"
    agency.desk_address = "Ấp 1, xã Hỏa Lựu"
    agency.desk_phone = "0293 3 870 000"
    agency.save()
    return version


def golden_dossier(*, state: str = "received", on: datetime.datetime = RECEIVED_2026):
    version = _fixed_version()
    applicant = UserFactory(applicant=True, full_name="Nguyễn Văn An", email="an@example.test")
    officer = UserFactory(full_name="Trần Thị Bình", email="binh@example.test")
    people = {
        "applicant": applicant,
        "owner_name": "Nguyễn Văn An",
        "owner_id_number": "093012345678",
        "owner_phone": "0912345678",
        "owner_email": "an@example.test",
        "owner_address": "Số 5 đường 3 tháng 2, ấp 1, xã Hỏa Lựu, thành phố Cần Thơ",
        "summary": "Đăng ký khai sinh cho con Nguyễn Thị Mai",
        "submitted_at": on - datetime.timedelta(hours=1),
    }
    if state == "received":
        dossier = DossierFactory(
            received=True,
            version=version,
            code=f"000.03.21.H30-{on + datetime.timedelta(hours=7):%y%m%d}-0001",
            received_at=on,
            due_at=on + datetime.timedelta(days=7),
            rule_set=ruleset_in_force(at=on),
            register_book="2026",
            register_line=15,
            **people,
        )
        DossierHistoryFactory(
            dossier=dossier, at=on, transition="receive", to_status="received", actor=officer
        )
    elif state == "supplement_requested":
        dossier = DossierFactory(supplement_requested=True, version=version, **people)
        request = SupplementRequest.objects.create(
            dossier=dossier,
            stage=SupplementRequest.Stage.INTAKE,
            agency=dossier.receiving_agency,
            reason="Tờ khai thiếu chữ ký của người đi khai sinh.",
            requested_at=on,
            requested_by=officer,
        )
        request.components.set([version.components.order_by("position", "id").first()])
    else:
        dossier = DossierFactory(
            refused=True,
            version=version,
            refusal_reason="Hồ sơ không thuộc thẩm quyền giải quyết của Ủy ban nhân dân xã.",
            **people,
        )
        DossierHistoryFactory(
            dossier=dossier, at=on, transition="refuse", to_status="refused", actor=officer
        )
    return dossier
