"""The transition table, checked against a list written out here, and every (state, transition)
pair walked through the one write path."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from dichvucong.core.models import AuditEntry
from dichvucong.dossiers.constants import DossierStatus
from dichvucong.dossiers.models import Dossier, DossierHistory
from dichvucong.workflow.engine import ActorNotAllowed, TransitionNotAllowed, transition_apply
from dichvucong.workflow.transitions import TRANSITIONS
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.agencies.factories import AgencyFactory
from tests.dossiers.factories import DossierFactory

# Written out by hand from issues 4 and 5 (R6) and architecture.md: a change to the table must
# change this. None as the target: an event that keeps the status (still a history row).
UNFINISHED = {
    "received",
    "processing",
    "supplement_requested",
    "awaiting_payment",
    "withdrawal_requested",
}
EXPECTED = [
    ("submit", {"draft"}, "submitted", "applicant", None),
    ("submit_at_desk", {"draft"}, "submitted", "officer", "dossier.receive"),
    ("receive", {"submitted"}, "received", "officer", "dossier.receive"),
    ("refuse", {"submitted"}, "refused", "officer", "dossier.receive"),
    ("request_supplement", {"submitted"}, "supplement_requested", "officer", "dossier.receive"),
    ("resubmit", {"supplement_requested"}, "submitted", "applicant", None),
    # Processing (issue 5): 2→4, 4→5→4, 4→6→4|9, 4→9, 4→8, …→7→8, 9→10.
    ("forward", {"received", "processing"}, "processing", "officer", "dossier.handle"),
    ("send_back", {"processing"}, "processing", "officer", "dossier.handle"),
    ("propose_result", {"processing"}, "processing", "officer", "dossier.process"),
    ("apologise", UNFINISHED, None, "officer", "dossier.approve"),
    (
        "request_supplement_processing",
        {"processing"},
        "supplement_requested",
        "officer",
        "dossier.process",
    ),
    ("resubmit_processing", {"supplement_requested"}, "processing", "applicant", None),
    ("require_fee", {"processing"}, "awaiting_payment", "officer", "dossier.handle"),
    ("record_payment", {"awaiting_payment"}, "processing", "officer", "dossier.receive"),
    ("record_payment_resolve", {"awaiting_payment"}, "resolved", "officer", "dossier.receive"),
    ("resolve", {"processing"}, "resolved", "officer", "dossier.approve"),
    ("approve_pending_fee", {"processing"}, "awaiting_payment", "officer", "dossier.approve"),
    ("stop", {"processing", "withdrawal_requested"}, "stopped", "officer", "dossier.handle"),
    (
        "request_withdrawal",
        {"submitted", "received", "processing", "supplement_requested", "awaiting_payment"},
        "withdrawal_requested",
        "applicant",
        None,
    ),
    ("return_result", {"resolved"}, "returned", "officer", "dossier.receive"),
    ("return_online", {"resolved"}, "returned", "system", None),
]


def test_table_is_exactly_the_list_written_out():
    actual = [
        (t.name, set(t.sources), t.target, t.actor, t.permission) for t in TRANSITIONS.values()
    ]
    assert sorted(actual, key=lambda row: row[0]) == sorted(EXPECTED, key=lambda row: row[0])


PAIRS = [(status, name) for status in DossierStatus.values for name in TRANSITIONS]


def _dossier_in(status):
    submitted_at = None if status == DossierStatus.DRAFT else timezone.now()
    return DossierFactory(status=status, submitted_at=submitted_at)


ROLE_FOR_PERMISSION = {
    "dossier.receive": "one_stop_officer",
    "dossier.handle": "one_stop_officer",
    "dossier.process": "specialist",
    "dossier.approve": "leader",
}


def _actor_for(dossier, name):
    transition = TRANSITIONS[name]
    if transition.actor == "applicant":
        return dossier.owner_account
    if transition.actor == "system":
        return None
    role = ROLE_FOR_PERMISSION[transition.permission]
    return MembershipFactory(role=role, agency=dossier.receiving_agency).user


def _state(dossier):
    dossier.refresh_from_db()
    return (
        dossier.status,
        dossier.history.count(),
        AuditEntry.objects.filter(action__startswith="dossier.").count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "name"), PAIRS)
def test_every_state_and_transition(status, name):
    dossier = _dossier_in(status)
    actor = _actor_for(dossier, name)
    transition = TRANSITIONS[name]
    changes = {"submitted_at": timezone.now()} if status == DossierStatus.DRAFT else {}
    before = _state(dossier)

    if status in transition.sources:
        target = status if transition.target is None else transition.target
        transition_apply(dossier=dossier, name=name, actor=actor, note="ghi chú", changes=changes)
        dossier.refresh_from_db()
        assert dossier.status == target
        row = dossier.history.get()
        assert (row.transition, row.from_status, row.to_status) == (name, status, target)
        assert (row.actor, row.agency, row.note) == (actor, dossier.receiving_agency, "ghi chú")
        entry = AuditEntry.objects.get(action=f"dossier.{name}")
        assert entry.before["status"] == status
        assert entry.after["status"] == target
    else:
        with pytest.raises(TransitionNotAllowed):
            transition_apply(dossier=dossier, name=name, actor=actor, changes=changes)
        assert _state(dossier) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "status", "who"),
    [
        ("submit", DossierStatus.DRAFT, "other_applicant"),
        ("resubmit", DossierStatus.SUPPLEMENT_REQUESTED, "other_applicant"),
        ("submit", DossierStatus.DRAFT, "officer"),
        ("submit", DossierStatus.DRAFT, "anonymous"),
        ("receive", DossierStatus.SUBMITTED, "owner"),
        ("receive", DossierStatus.SUBMITTED, "other_agency_officer"),
        ("receive", DossierStatus.SUBMITTED, "specialist"),
        ("receive", DossierStatus.SUBMITTED, "expired_officer"),
        ("receive", DossierStatus.SUBMITTED, "anonymous"),
        ("receive", DossierStatus.SUBMITTED, "none"),
        ("refuse", DossierStatus.SUBMITTED, "other_agency_officer"),
        ("request_supplement", DossierStatus.SUBMITTED, "other_agency_officer"),
        ("submit_at_desk", DossierStatus.DRAFT, "other_agency_officer"),
    ],
)
def test_actor_refused_and_nothing_changed(name, status, who):
    dossier = _dossier_in(status)
    actors = {
        "owner": lambda: dossier.owner_account,
        "other_applicant": lambda: UserFactory(applicant=True),
        "officer": lambda: (
            MembershipFactory(one_stop_officer=True, agency=dossier.receiving_agency).user
        ),
        "other_agency_officer": lambda: (
            MembershipFactory(one_stop_officer=True, agency=AgencyFactory(with_desk=True)).user
        ),
        "specialist": lambda: (
            MembershipFactory(specialist=True, agency=dossier.receiving_agency).user
        ),
        "expired_officer": lambda: (
            MembershipFactory(
                one_stop_officer=True, expired=True, agency=dossier.receiving_agency
            ).user
        ),
        "anonymous": AnonymousUser,
        "none": lambda: None,
    }
    actor = actors[who]()
    before = _state(dossier)
    changes = {"submitted_at": timezone.now()} if status == DossierStatus.DRAFT else {}
    with pytest.raises(ActorNotAllowed):
        transition_apply(dossier=dossier, name=name, actor=actor, changes=changes)
    assert _state(dossier) == before
    assert not DossierHistory.objects.exists()


@pytest.mark.django_db
def test_unknown_transition_is_a_programming_error():
    dossier = _dossier_in(DossierStatus.SUBMITTED)
    with pytest.raises(LookupError):
        transition_apply(dossier=dossier, name="approve", actor=None)
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.SUBMITTED
