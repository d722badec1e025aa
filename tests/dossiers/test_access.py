"""The dossier access policy (dichvucong.dossiers.access) as a permission matrix: every role
against every file kind and every action, the expected answers written out below; and the
queryset form agreeing with the single-dossier answer (a list and a page cannot disagree).

docs/access-policy.md is the same table in words."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from dichvucong.documents.models import DocumentKind
from dichvucong.dossiers import access
from dichvucong.dossiers.access import Action, FileKind, Party
from dichvucong.dossiers.tokens import rating_token
from dichvucong.workflow import processing
from dichvucong.workflow.steps import open_step
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.agencies.factories import AgencyFactory
from tests.clock import after_the_data
from tests.dossiers.factories import DossierFactory
from tests.workflow.world import pdf, world

# Columns of RESOLVED, in this order; a new file kind or action must be added to the table.
FILE_COLUMNS = [
    FileKind.ATTACHMENT,
    FileKind.RECEIPT,
    FileKind.SUPPLEMENT_REQUEST,
    FileKind.REFUSAL,
    FileKind.APOLOGY,
    FileKind.STOP_NOTICE,
    FileKind.CONTROL_SLIP,
    FileKind.REGISTER_LINE,
    FileKind.RESULT,
    "result_sent_back",  # a result document the leader sent back (withdrawn)
]
ACTION_COLUMNS = [
    Action.EDIT,
    Action.WITHDRAW,
    Action.RATE,
    Action.RECEIVE,
    Action.PROCESS,
    Action.ASSIGN,
    Action.APPROVE,
    Action.STOP,
    Action.APOLOGISE,
    Action.RECORD_PAYMENT,
    Action.RETURN_RESULT,
]

# An inter-agency dossier, resolved: received at the desk (agency D), processed at agency P
# with a step at the partner agency Q. Owner and submitter are two accounts.
#                      sees | att rec sup ref apo stp slp reg res rsb | edt wdr rat rcv prc asg apr stp apl pay ret
RESOLVED = """
owner                   1   |  1   1   1   1   1   1   1   0   1   0  |  1   1   1   0   0   0   0   0   0   0   0
submitter               1   |  1   1   1   1   1   1   1   0   1   0  |  1   1   1   0   0   0   0   0   0   0   0
other_applicant         0   |  0   0   0   0   0   0   0   0   0   0  |  0   0   0   0   0   0   0   0   0   0   0
desk_officer            1   |  1   1   1   1   1   1   1   1   1   1  |  0   0   0   1   1   0   0   1   0   1   1
desk_leader             1   |  1   1   1   1   1   1   1   1   1   1  |  0   0   0   0   1   1   1   1   1   0   0
specialist              1   |  1   1   1   1   1   1   1   0   1   1  |  0   0   0   0   1   0   0   0   0   0   0
leader                  1   |  1   1   1   1   1   1   1   0   1   1  |  0   0   0   0   1   1   1   1   1   0   0
partner_specialist      1   |  1   1   1   1   1   1   1   0   1   1  |  0   0   0   0   1   0   0   0   0   0   0
partner_desk_officer    1   |  1   1   1   1   1   1   1   0   1   1  |  0   0   0   0   0   0   0   0   0   0   0
processing_desk_officer 1   |  1   1   1   1   1   1   1   0   1   1  |  0   0   0   0   0   0   0   0   0   0   0
superuser_desk_officer  1   |  1   1   1   1   1   1   1   0   1   1  |  0   0   0   0   0   0   0   0   0   0   0
officer_elsewhere       0   |  0   0   0   0   0   0   0   0   0   0  |  0   0   0   0   0   0   0   0   0   0   0
agency_admin            0   |  0   0   0   0   0   0   0   0   0   0  |  0   0   0   0   0   0   0   0   0   0   0
province_admin          0   |  0   0   0   0   0   0   0   0   0   0  |  0   0   0   0   0   0   0   0   0   0   0
superuser               0   |  0   0   0   0   0   0   0   0   0   0  |  0   0   0   0   0   0   0   0   0   0   0
anonymous               0   |  0   0   0   0   0   0   0   0   0   0  |  0   0   0   0   0   0   0   0   0   0   0
qr_holder               0   |  0   0   0   0   0   0   0   0   0   0  |  0   0   1   0   0   0   0   0   0   0   0
"""

# The same dossier's life: who sees it, its control slip and its result, in each state.
# A draft is its applicant's alone; the slip exists from receipt; the result reaches the
# applicant once out; the partner agency sees it from its own step on.
#                      draft       | submitted   | processing  | resolved
#                      see slp res | see slp res | see slp res | see slp res
STATES = """
owner                   1   0   0  |  1   0   0  |  1   1   0  |  1   1   1
submitter               1   0   0  |  1   0   0  |  1   1   0  |  1   1   1
other_applicant         0   0   0  |  0   0   0  |  0   0   0  |  0   0   0
desk_officer            0   0   0  |  1   0   1  |  1   1   1  |  1   1   1
desk_leader             0   0   0  |  1   0   1  |  1   1   1  |  1   1   1
specialist              0   0   0  |  0   0   0  |  1   1   1  |  1   1   1
leader                  0   0   0  |  0   0   0  |  1   1   1  |  1   1   1
partner_specialist      0   0   0  |  0   0   0  |  0   0   0  |  1   1   1
partner_desk_officer    0   0   0  |  0   0   0  |  0   0   0  |  1   1   1
processing_desk_officer 0   0   0  |  0   0   0  |  1   1   1  |  1   1   1
superuser_desk_officer  0   0   0  |  0   0   0  |  1   1   1  |  1   1   1
officer_elsewhere       0   0   0  |  0   0   0  |  0   0   0  |  0   0   0
agency_admin            0   0   0  |  0   0   0  |  0   0   0  |  0   0   0
province_admin          0   0   0  |  0   0   0  |  0   0   0  |  0   0   0
superuser               0   0   0  |  0   0   0  |  0   0   0  |  0   0   0
anonymous               0   0   0  |  0   0   0  |  0   0   0  |  0   0   0
qr_holder               0   0   0  |  0   0   0  |  0   0   0  |  0   0   0
"""
STATE_NAMES = ["draft", "submitted", "processing", "resolved"]


# The world's dossiers are of March 2026; their steps are taken now, after them.
pytestmark = after_the_data


def _table(text: str) -> dict[str, list[bool]]:
    rows = {}
    for line in text.strip().splitlines():
        role, *cells = line.replace("|", " ").split()
        rows[role] = [cell == "1" for cell in cells]
    return rows


@pytest.fixture
def people(db):
    w = world(inter_agency=True)
    elsewhere = AgencyFactory(with_desk=True)
    officer_elsewhere = UserFactory()
    for trait in ("one_stop_officer", "specialist", "leader"):
        MembershipFactory(user=officer_elsewhere, agency=elsewhere, **{trait: True})
    users = {
        "owner": UserFactory(applicant=True),
        "submitter": UserFactory(applicant=True),
        "other_applicant": UserFactory(applicant=True),
        "desk_officer": w.desk_officer,
        "desk_leader": MembershipFactory(leader=True, agency=w.desk).user,
        "specialist": w.specialist,
        "leader": w.leader,
        "partner_specialist": w.partner_specialist,
        "partner_desk_officer": MembershipFactory(one_stop_officer=True, agency=w.partner).user,
        "processing_desk_officer": MembershipFactory(
            one_stop_officer=True, agency=w.processing
        ).user,
        # A superuser who also works as an officer has that officer's rights, no more.
        "superuser_desk_officer": MembershipFactory(
            one_stop_officer=True, agency=w.processing, user=UserFactory(superuser=True)
        ).user,
        "officer_elsewhere": officer_elsewhere,
        "agency_admin": MembershipFactory(agency_admin=True, agency=w.processing).user,
        "province_admin": MembershipFactory(province_admin=True, agency=w.processing).user,
        "superuser": UserFactory(superuser=True),
        "anonymous": AnonymousUser(),
        "qr_holder": AnonymousUser(),
    }
    return w, users


def _dossiers(w, users) -> dict:
    """The four states, each its own dossier of the same owner and submitter."""
    parties = {"owner_account": users["owner"], "submitter_account": users["submitter"]}
    draft = DossierFactory(version=w.version, receiving_agency=w.desk, **parties)
    submitted = DossierFactory(
        version=w.version, receiving_agency=w.desk, submitted=True, **parties
    )
    dossier = w.dossier(**parties)
    dossier = processing.step_forward(step=open_step(dossier), actor=w.desk_officer)
    processing.step_take(step=open_step(dossier), actor=w.specialist)
    in_processing = w.dossier(**parties)
    in_processing = processing.step_forward(step=open_step(in_processing), actor=w.desk_officer)
    dossier = processing.step_forward(step=open_step(dossier), actor=w.specialist)
    dossier = processing.result_propose(
        step=open_step(dossier),
        actor=w.partner_specialist,
        kind="grant",
        summary="",
        files=[processing.ResultUpload("Giấy chứng nhận", pdf())],
    )
    resolved = processing.result_approve(step=open_step(dossier), actor=w.leader)
    assert (draft.status, submitted.status, in_processing.status, resolved.status) == (
        "draft",
        "submitted",
        "processing",
        "resolved",
    )
    return {
        "draft": draft,
        "submitted": submitted,
        "processing": in_processing,
        "resolved": resolved,
    }


def _token(role: str, dossier) -> str:
    return rating_token(dossier.code) if role == "qr_holder" and dossier.code else ""


def test_the_tables_cover_every_file_kind_and_every_action():
    assert set(FILE_COLUMNS) - {"result_sent_back"} == set(FileKind)
    assert set(ACTION_COLUMNS) == set(Action)
    # The generated forms are the documents app's kinds, by the same values.
    assert {FileKind(kind) for kind in DocumentKind.values} == access.FORMS


def test_the_matrix_on_a_resolved_inter_agency_dossier(people):
    w, users = people
    dossier = _dossiers(w, users)["resolved"]
    expected = _table(RESOLVED)
    assert set(expected) == set(users)

    found = {}
    for role, user in users.items():
        permitted = access.dossier_access(user=user, dossier=dossier)
        files = [
            permitted.may_download(FileKind.RESULT, withdrawn=True)
            if kind == "result_sent_back"
            else access.dossier_may_download(user=user, dossier=dossier, kind=kind)
            for kind in FILE_COLUMNS
        ]
        actions = [
            access.dossier_may_rate(user=user, dossier=dossier, token=_token(role, dossier))
            if action == Action.RATE
            else permitted.may(action)
            for action in ACTION_COLUMNS
        ]
        found[role] = [permitted.sees, *files, *actions]

    assert found == expected


def test_who_sees_what_in_each_state_and_lists_agree(people):
    w, users = people
    dossiers = _dossiers(w, users)
    expected = _table(STATES)

    found = {}
    for role, user in users.items():
        row = []
        for state in STATE_NAMES:
            dossier = dossiers[state]
            permitted = access.dossier_access(user=user, dossier=dossier)
            row += [
                permitted.sees,
                permitted.may_download(FileKind.CONTROL_SLIP),
                permitted.may_download(FileKind.RESULT),
            ]
            # The queryset form answers the same for the same user and dossier.
            listed = access.dossiers_visible_to(user=user).filter(pk=dossier.pk).exists()
            assert listed == permitted.sees, (role, state)
            # And so does each page's list, which asks for some parties only.
            for parties in (access.APPLICANT, frozenset({Party.DESK}), access.OFFICER):
                listed = (
                    access.dossiers_visible_to(user=user, parties=parties)
                    .filter(pk=dossier.pk)
                    .exists()
                )
                assert listed == bool(permitted.parties & parties), (role, state, parties)
        found[role] = row

    assert found == expected


def test_the_applicant_lists_only_results_that_are_out_and_not_sent_back(people):
    w, users = people
    dossier = _dossiers(w, users)["resolved"]
    result = dossier.result_files.get()

    assert list(access.result_files_for(user=users["owner"], dossier=dossier)) == [result]
    assert list(access.result_files_for(user=users["other_applicant"], dossier=dossier)) == []
    result.withdrawn_at = dossier.finished_at
    result.save(update_fields=["withdrawn_at"])
    assert list(access.result_files_for(user=users["owner"], dossier=dossier)) == []
    assert list(access.result_files_for(user=users["specialist"], dossier=dossier)) == [result]


def test_a_wrong_token_rates_nothing_and_a_token_opens_nothing_else(people):
    w, users = people
    dossier = _dossiers(w, users)["resolved"]
    anonymous = users["anonymous"]

    assert not access.dossier_may_rate(user=anonymous, dossier=dossier, token="sai")
    assert access.dossier_may_rate(
        user=anonymous, dossier=dossier, token=rating_token(dossier.code)
    )
    assert access.dossier_access(user=anonymous, dossier=dossier) == access.NOTHING


# Whose register (it lists owners' names and addresses) each role may print.
#                      desk  processing  partner  elsewhere
REGISTER = """
desk_officer            1        0          0         0
desk_leader             1        0          0         0
specialist              0        0          0         0
leader                  0        1          0         0
partner_specialist      0        0          0         0
partner_desk_officer    0        0          1         0
processing_desk_officer 0        1          0         0
superuser_desk_officer  0        1          0         0
officer_elsewhere       0        0          0         1
agency_admin            0        0          0         0
province_admin          0        0          0         0
superuser               0        0          0         0
owner                   0        0          0         0
anonymous               0        0          0         0
"""


def test_who_may_print_a_desks_register(people):
    w, users = people
    elsewhere = users["officer_elsewhere"].memberships.first().agency
    agencies = [w.desk, w.processing, w.partner, elsewhere]
    expected = _table(REGISTER)

    found = {
        role: [
            access.register_agencies(user=users[role]).filter(pk=agency.pk).exists()
            for agency in agencies
        ]
        for role in expected
    }

    assert found == expected
