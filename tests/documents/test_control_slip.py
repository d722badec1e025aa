"""The control slip's rows are the dossier's history rows, from receipt to return."""

import pytest

from dichvucong.documents.control_slip import Verdict, control_slip_rows, verdict
from dichvucong.dossiers.models import DossierHistory
from tests.documents.factories import OFFICERS, golden_processed, golden_world
from tests.workflow.world import local


@pytest.mark.django_db
def test_the_rows_are_the_history_rows_of_an_inter_agency_dossier(django_assert_num_queries):
    w = golden_world()
    dossier = golden_processed(w, on=local(2026, 3, 2, 8, 0))

    with django_assert_num_queries(2):
        rows = control_slip_rows(dossier=dossier)

    history = list(DossierHistory.objects.filter(dossier=dossier).order_by("at", "id"))
    history = history[[h.transition for h in history].index("receive") :]
    assert [(row.history_id, row.transition, row.at) for row in rows] == [
        (h.pk, h.transition, h.at) for h in history
    ]
    assert [row.transition for row in rows] == [
        "receive",
        "forward",
        "forward",
        "propose_result",
        "resolve",
        "return_result",
    ]
    # Who handed over to whom: each row's actor, then the next row's.
    assert [(row.giver, row.receiver) for row in rows] == [
        ("Nguyễn Văn An", OFFICERS["desk_officer"]),
        (OFFICERS["desk_officer"], OFFICERS["specialist"]),
        (OFFICERS["specialist"], OFFICERS["partner_specialist"]),
        (OFFICERS["partner_specialist"], OFFICERS["leader"]),
        (OFFICERS["leader"], OFFICERS["desk_officer"]),
        (OFFICERS["desk_officer"], "Nguyễn Văn An"),
    ]
    assert [row.giving_agency for row in rows[1:]] == [h.agency.name for h in history[1:]]
    assert [row.verdict for row in rows] == [
        "",
        Verdict.ON_TIME,
        Verdict.EARLY,
        Verdict.LATE,
        Verdict.EARLY,
        Verdict.ON_TIME,
    ]
    steps = list(dossier.steps.order_by("started_at", "id"))
    assert [row.due_at for row in rows[1:]] == [step.due_at for step in steps]


@pytest.mark.django_db
def test_a_dossier_not_yet_received_has_no_rows():
    from tests.dossiers.factories import DossierFactory

    assert control_slip_rows(dossier=DossierFactory(submitted=True)) == []


@pytest.mark.parametrize(
    ("handed", "expected"),
    [
        (local(2026, 3, 3, 17, 0), Verdict.EARLY),
        (local(2026, 3, 4, 7, 30), Verdict.ON_TIME),
        (local(2026, 3, 4, 9, 0), Verdict.ON_TIME),
        (local(2026, 3, 4, 9, 1), Verdict.LATE),
    ],
)
def test_verdict_early_on_the_due_day_or_late(handed, expected):
    assert verdict(handed_at=handed, due_at=local(2026, 3, 4, 9, 0)) == expected


def test_no_verdict_without_a_due_time():
    assert verdict(handed_at=local(2026, 3, 4, 9, 0), due_at=None) == ""
