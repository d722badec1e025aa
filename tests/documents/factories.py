"""Dossiers with every printed value fixed, for the forms' golden files.

golden_dossier(state="received", on=<aware datetime>)   received at `on` (register 2026/15)
golden_dossier(state="supplement_requested", on=...)      a supplement request issued at `on`
golden_dossier(state="refused", on=...)                   refused at `on`

Factory sequences differ with the order tests run in, so every name the forms print is set here.
"""

import datetime

from dichvucong.agencies.calendar_selectors import due_at_for
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
        # The appointment from the time engine on the calendar, as intake sets it: five working
        # days from Fri 13/2/2026 10:00 skip Tết (14/2-22/2) and fall on Fri 27/2/2026 10:00.
        option = version.time_options.first()
        due_at = due_at_for(
            agency=version.competent_agency,
            received_at=on,
            duration=option.duration,
            unit=option.unit,
            same_day=option.same_day,
            cutoff=option.cutoff,
        )
        dossier = DossierFactory(
            received=True,
            version=version,
            code=f"000.03.21.H30-{on + datetime.timedelta(hours=7):%y%m%d}-0001",
            received_at=on,
            due_at=due_at,
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


# --- Dossiers taken through the processing verbs, with every printed name fixed ----------------

OFFICERS = {
    "desk_officer": "Trần Thị Bình",
    "specialist": "Lê Văn Cường",
    "leader": "Phạm Minh Đức",
    "partner_specialist": "Võ Thị Hoa",
}


def golden_world():
    """The inter-agency world of tests/workflow/world.py with fixed names and codes: a commune
    desk, a land registration office (processing) and a tax office (partner)."""
    from tests.agencies.factories import AgencyFactory
    from tests.workflow.world import world

    w = world(inter_agency=True)
    w.version.name = "Đăng ký đất đai, tài sản gắn liền với đất lần đầu"
    w.version.save(update_fields=["name"])
    for agency, unit_name in ((w.desk, "Xã Hỏa Lựu"), (w.processing, "Thành phố Cần Thơ")):
        agency.unit.name = unit_name
        agency.unit.save(update_fields=["name"])
    agencies = [
        (w.desk, "000.03.21.H30", "Ủy ban nhân dân xã Hỏa Lựu", "Bộ phận Một cửa xã Hỏa Lựu", None),
        (
            w.processing,
            "000.11.30.H30",
            "Văn phòng Đăng ký đất đai thành phố Cần Thơ",
            "",
            AgencyFactory(
                name="Sở Nông nghiệp và Môi trường thành phố Cần Thơ", code="000.00.30.H30"
            ),
        ),
        (w.partner, "000.12.30.H30", "Thuế cơ sở 1 thành phố Cần Thơ", "", None),
    ]
    for agency, code, name, desk_name, parent in agencies:
        agency.code, agency.name, agency.parent = code, name, parent
        agency.desk_name = desk_name or agency.desk_name
        agency.save()
    for role, name in OFFICERS.items():
        user = getattr(w, role)
        user.full_name = name
        user.save(update_fields=["full_name"])
    return w


OWNERS = [
    ("Nguyễn Văn An", "093012345678", "0912345678", "Số 5 đường 3 tháng 2, ấp 1, xã Hỏa Lựu"),
    ("Lê Thị Bảy", "093087654321", "0987654321", "Ấp 2, xã Hỏa Lựu"),
    ("Trương Công Chánh", "093011112222", "0901112222", "Ấp 3, xã Hỏa Lựu"),
]


def golden_processed(w, *, on: datetime.datetime, finish: str = "returned", owner: int = 0):
    """A dossier of world `w` received at `on` (a Monday, 08:00 local) and then:

    "returned": desk → specialist (next day, early) → partner (late) → leader → returned;
    "apology":  handed to the specialist, then apologised for by the leader (new date);
    "stopped":  handed to the specialist, withdrawn by the applicant, stopped by the leader.
    """
    from dichvucong.workflow import processing
    from dichvucong.workflow.steps import open_step
    from tests.workflow.world import pdf

    name, id_number, phone, address = OWNERS[owner]
    applicant = UserFactory(applicant=True, full_name=name, email=f"owner{owner}@example.test")
    dossier = w.dossier(
        at=on,
        applicant=applicant,
        owner_name=name,
        owner_id_number=id_number,
        owner_phone=phone,
        owner_email=applicant.email,
        owner_address=address,
        summary=f"Đăng ký đất đai lần đầu cho thửa đất số {10 + owner}, tờ bản đồ số 5",
    )
    hour = datetime.timedelta(hours=1)
    day = datetime.timedelta(days=1)
    dossier = processing.step_forward(
        step=open_step(dossier), actor=w.desk_officer, note="Hồ sơ đầy đủ", at=on + hour
    )
    if finish == "apology":
        processing.apology_issue(
            dossier=dossier,
            actor=w.leader,
            reason="Phải xác minh nguồn gốc đất với Ủy ban nhân dân xã.",
            new_due_at=dossier.due_at + 3 * day,
            at=dossier.due_at - 2 * hour,
        )
        return dossier.__class__.objects.get(pk=dossier.pk)
    if finish == "stopped":
        dossier = processing.withdrawal_request(
            dossier=dossier,
            actor=applicant,
            reason="Gia đình thỏa thuận lại việc phân chia thửa đất.",
            at=on + day,
        )
        return processing.dossier_stop(
            dossier=dossier,
            actor=w.leader,
            reason="Người nộp hồ sơ đề nghị rút hồ sơ.",
            at=on + day + 2 * hour,
        )
    dossier = processing.step_forward(
        step=open_step(dossier), actor=w.specialist, note="Đủ điều kiện", at=on + day + hour
    )
    dossier = processing.result_propose(
        step=open_step(dossier),
        actor=w.partner_specialist,
        kind="grant",
        summary="Đã xác định nghĩa vụ tài chính",
        files=[processing.ResultUpload("Giấy chứng nhận quyền sử dụng đất", pdf())],
        at=on + 3 * day + 2 * hour,
    )
    dossier = processing.result_approve(
        step=open_step(dossier), actor=w.leader, at=on + 3 * day + 7 * hour
    )
    return processing.result_return(
        dossier=dossier, actor=w.desk_officer, recipient=name, at=on + 4 * day + hour
    )
