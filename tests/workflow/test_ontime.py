"""On time as Decision 766 counts it (domain.md §2.3, R11): the rule over a table of cases,
then the helper that reads a dossier's stored pauses and supplement requests."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from dichvucong.core.constants import LEGAL_TIMEZONE
from dichvucong.dossiers.models import DossierPause, SupplementRequest
from dichvucong.workflow.ontime import dossier_on_time, on_time
from tests.dossiers.factories import DossierFactory


def local(*args):
    return dt.datetime(*args, tzinfo=LEGAL_TIMEZONE)


DUE = local(2026, 3, 10, 16, 0)

CASES = [
    # id, finished_at, pauses, supplement requests after receipt, apology, expected
    ("no supplement, early", local(2026, 3, 9, 10, 0), [], 0, False, True),
    ("no supplement, on the due minute", local(2026, 3, 10, 16, 0), [], 0, False, True),
    ("no supplement, one minute late", local(2026, 3, 10, 16, 1), [], 0, False, False),
    (
        "one supplement, its pause turns a late finish into on time",
        local(2026, 3, 11, 9, 0),
        [(local(2026, 3, 5, 8, 0), local(2026, 3, 6, 8, 0))],
        1,
        False,
        True,
    ),
    (
        "one supplement, pause shorter than the lateness",
        local(2026, 3, 11, 9, 0),
        [(local(2026, 3, 5, 8, 0), local(2026, 3, 5, 9, 0))],
        1,
        False,
        False,
    ),
    (
        "one supplement, finish minus pause exactly on the due minute",
        local(2026, 3, 10, 18, 0),
        [(local(2026, 3, 5, 8, 0), local(2026, 3, 5, 10, 0))],
        1,
        False,
        True,
    ),
    (
        "two supplement requests, late even if early",
        local(2026, 3, 2, 9, 0),
        [
            (local(2026, 3, 1, 8, 0), local(2026, 3, 1, 9, 0)),
            (local(2026, 3, 1, 10, 0), local(2026, 3, 1, 11, 0)),
        ],
        2,
        False,
        False,
    ),
    (
        "a pause still open at the finish ends at the finish",
        local(2026, 3, 12, 16, 0),
        [(local(2026, 3, 9, 16, 0), None)],
        1,
        False,
        True,
    ),
    (
        "a pause after the finish is ignored",
        local(2026, 3, 10, 17, 0),
        [(local(2026, 3, 10, 18, 0), local(2026, 3, 12, 18, 0))],
        1,
        False,
        False,
    ),
    (
        "a pause running past the finish counts only up to the finish",
        local(2026, 3, 10, 17, 0),
        [(local(2026, 3, 10, 16, 30), local(2026, 3, 20, 8, 0))],
        1,
        False,
        False,
    ),
    (
        "overlapping pauses count once",
        local(2026, 3, 10, 19, 0),
        [
            (local(2026, 3, 5, 8, 0), local(2026, 3, 5, 10, 0)),
            (local(2026, 3, 5, 9, 0), local(2026, 3, 5, 10, 0)),
        ],
        1,
        False,
        False,
    ),
    ("an apology with a late finish is still late", local(2026, 3, 13, 9, 0), [], 0, True, False),
    ("an apology with an early finish is on time", local(2026, 3, 9, 9, 0), [], 0, True, True),
]


@pytest.mark.parametrize(
    ("finished_at", "pauses", "requests", "apology", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_on_time_table(finished_at, pauses, requests, apology, expected):
    assert (
        on_time(
            due_at=DUE,
            finished_at=finished_at,
            pauses=pauses,
            supplement_requests_after_receipt=requests,
            apology_issued=apology,
        )
        is expected
    )


@pytest.mark.parametrize(
    ("due_at", "finished_at", "pauses"),
    [
        pytest.param(dt.datetime(2026, 3, 10, 16, 0), local(2026, 3, 9, 9, 0), [], id="naive due"),
        pytest.param(DUE, dt.datetime(2026, 3, 9, 9, 0), [], id="naive finish"),
        pytest.param(
            DUE,
            local(2026, 3, 9, 9, 0),
            [(dt.datetime(2026, 3, 5, 8, 0), local(2026, 3, 5, 9, 0))],
            id="naive pause start",
        ),
        pytest.param(
            DUE,
            local(2026, 3, 9, 9, 0),
            [(local(2026, 3, 5, 8, 0), dt.datetime(2026, 3, 5, 9, 0))],
            id="naive pause end",
        ),
    ],
)
def test_naive_datetimes_are_refused(due_at, finished_at, pauses):
    with pytest.raises(ValueError, match="timezone-aware"):
        on_time(
            due_at=due_at,
            finished_at=finished_at,
            pauses=pauses,
            supplement_requests_after_receipt=1,
            apology_issued=False,
        )


def test_a_pause_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="ends before it starts"):
        on_time(
            due_at=DUE,
            finished_at=local(2026, 3, 9, 9, 0),
            pauses=[(local(2026, 3, 5, 9, 0), local(2026, 3, 5, 8, 0))],
            supplement_requests_after_receipt=1,
            apology_issued=False,
        )


def test_other_time_zones_compare_by_instant():
    # 09:00 UTC is 16:00 in Việt Nam: exactly the due minute.
    assert on_time(
        due_at=DUE,
        finished_at=dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC),
        pauses=[],
        supplement_requests_after_receipt=0,
        apology_issued=False,
    )


# --- the helper over stored data ------------------------------------------------------------


def _request(dossier, stage, at):
    return SupplementRequest.objects.create(
        dossier=dossier,
        stage=stage,
        agency=dossier.processing_agency,
        reason="Bổ sung bản sao giấy tờ.",
        requested_at=at,
        resolved_at=at + dt.timedelta(days=2),
    )


@pytest.mark.django_db
def test_dossier_on_time_subtracts_the_stored_pause():
    dossier = DossierFactory(received=True, due_at=DUE, finished_at=local(2026, 3, 11, 15, 0))
    # An intake request comes before receipt: it does not count against the dossier.
    _request(dossier, SupplementRequest.Stage.INTAKE, local(2026, 2, 27, 9, 0))
    request = _request(dossier, SupplementRequest.Stage.PROCESSING, local(2026, 3, 4, 9, 0))
    assert dossier_on_time(dossier) is False  # no pause stored yet: 23 hours late

    DossierPause.objects.create(
        dossier=dossier,
        supplement_request=request,
        started_at=request.requested_at,
        ended_at=request.resolved_at,
    )
    assert dossier_on_time(dossier) is True
    # The helper only reads: the stored verdict and the appointment are untouched.
    dossier.refresh_from_db()
    assert dossier.on_time is None
    assert dossier.due_at == DUE


@pytest.mark.django_db
def test_dossier_on_time_two_processing_requests_make_it_late():
    dossier = DossierFactory(received=True, due_at=DUE, finished_at=local(2026, 3, 3, 9, 0))
    _request(dossier, SupplementRequest.Stage.PROCESSING, local(2026, 3, 1, 9, 0))
    assert dossier_on_time(dossier) is True
    _request(dossier, SupplementRequest.Stage.PROCESSING, local(2026, 3, 2, 9, 0))
    assert dossier_on_time(dossier) is False


@pytest.mark.django_db
def test_dossier_on_time_ignores_the_apology_and_takes_a_finish_time():
    dossier = DossierFactory(received=True, due_at=DUE, extended_due_at=local(2026, 3, 20, 16, 0))
    assert dossier_on_time(dossier, finished_at=local(2026, 3, 12, 9, 0)) is False
    assert dossier_on_time(dossier, finished_at=local(2026, 3, 10, 9, 0)) is True


@pytest.mark.django_db
def test_dossier_on_time_refuses_an_unfinished_dossier():
    dossier = DossierFactory(received=True)
    with pytest.raises(ValueError, match="not finished"):
        dossier_on_time(dossier)
    draft = DossierFactory()
    with pytest.raises(ValueError, match="no appointment"):
        dossier_on_time(draft, finished_at=local(2026, 3, 9, 9, 0))


@pytest.mark.django_db
def test_a_pause_cannot_end_before_it_starts_in_the_database():
    dossier = DossierFactory(received=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        DossierPause.objects.create(
            dossier=dossier, started_at=local(2026, 3, 5, 9, 0), ended_at=local(2026, 3, 5, 8, 0)
        )
    assert not DossierPause.objects.exists()
