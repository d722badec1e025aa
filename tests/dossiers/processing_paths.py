"""A dossier taken through processing with the workflow's verbs, its people and notes holding
distinctive personal values that the applicant's page and the public lookup must not show (the
officers' names and internal notes) or only show to the applicant (reasons meant for them)."""

from __future__ import annotations

from dichvucong.workflow import processing
from dichvucong.workflow.steps import open_step
from tests.workflow.world import World, pdf

OWNER = {
    "owner_name": "Nguyễn Thị Bí Mật",
    "owner_id_number": "093187654321",
    "owner_phone": "0912345678",
    "owner_email": "bimat@example.vn",
    "owner_address": "Số 9 hẻm Kín, ấp Ẩn Danh",
}
INTERNAL_NOTE = "Ghi chú nội bộ: đã gọi chị Bí Mật"
SUPPLEMENT_REASON = "Bản sao giấy chứng nhận bị mờ, cần bản rõ hơn."
APOLOGY_REASON = "Chờ ý kiến của cơ quan phối hợp."
RESULT_SUMMARY = "Cấp giấy chứng nhận theo đề nghị."


def officers(w: World) -> list:
    return [w.desk_officer, w.specialist, w.leader]


def to_processing(w: World, **kwargs):
    """Received by the desk, forwarded with an internal note: processing (4) at the specialist."""
    dossier = w.dossier(**{**OWNER, **kwargs})
    return processing.step_forward(
        step=open_step(dossier), actor=w.desk_officer, note=INTERNAL_NOTE
    )


def to_result(w: World, *, supplement: bool = False, apology_due=None, **kwargs):
    """Through the specialist (a supplement round, optionally) and the leader: resolved (9)."""
    dossier = to_processing(w, **kwargs)
    step = open_step(dossier)
    processing.step_take(step=step, actor=w.specialist)
    if supplement:
        dossier = processing.step_request_supplement(
            step=open_step(dossier),
            actor=w.specialist,
            components=list(w.version.components.all()[:1]),
            reason=SUPPLEMENT_REASON,
        )
        return dossier
    if apology_due is not None:
        processing.apology_issue(
            dossier=dossier, actor=w.leader, reason=APOLOGY_REASON, new_due_at=apology_due
        )
    dossier = processing.result_propose(
        step=open_step(dossier),
        actor=w.specialist,
        kind="grant",
        summary=RESULT_SUMMARY,
        note=INTERNAL_NOTE,
        files=[processing.ResultUpload("Giấy chứng nhận", pdf("giay-chung-nhan.pdf"))],
    )
    return processing.result_approve(step=open_step(dossier), actor=w.leader, note=INTERNAL_NOTE)
