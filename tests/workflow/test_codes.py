"""Dossier codes: the agency identifier in the rule set's order, the daily sequence per agency
reset at local midnight, the yearly register line, and the rule set stamped at receipt."""

import datetime as dt

import pytest

from dichvucong.core.constants import LEGAL_TIMEZONE, AgencyCodeOrder
from dichvucong.core.errors import ServiceError
from dichvucong.core.models import RuleSet
from dichvucong.dossiers.models import CodeCounter
from dichvucong.workflow.codes import agency_identifier_in_order, code_issue
from dichvucong.workflow.intake import dossier_receive
from tests.accounts.factories import MembershipFactory
from tests.agencies.factories import AgencyFactory
from tests.catalog.factories import ProcedureVersionFactory
from tests.dossiers.factories import DossierFactory


def local(*args):
    return dt.datetime(*args, tzinfo=LEGAL_TIMEZONE)


@pytest.mark.parametrize(
    ("code", "order", "expected"),
    [
        ("000.03.21.H30", AgencyCodeOrder.QD20, "H30.21.03"),
        ("000.00.02.H30", AgencyCodeOrder.QD20, "H30.02"),
        ("000.00.00.H30", AgencyCodeOrder.QD20, "H30"),
        ("001.00.02.H30", AgencyCodeOrder.QD20, "H30.02.00.001"),
        ("H15.50.05.13", AgencyCodeOrder.QD20, "H15.50.05.13"),
        ("000.03.21.H30", AgencyCodeOrder.QCVN102, "000.03.21.H30"),
        ("H30.21.03", AgencyCodeOrder.QCVN102, "000.03.21.H30"),
        ("H30.02", AgencyCodeOrder.QCVN102, "000.00.02.H30"),
        ("H30", AgencyCodeOrder.QCVN102, "000.00.00.H30"),
    ],
)
def test_agency_identifier_in_the_rule_sets_order(code, order, expected):
    assert agency_identifier_in_order(code=code, order=order) == expected


@pytest.mark.parametrize("code", ["H30.2", "H30.21.03.1", "T99.AB", "H30.21.03.0001.5"])
def test_identifiers_that_do_not_fit_qcvn102_are_refused(code):
    with pytest.raises(ServiceError):
        agency_identifier_in_order(code=code, order=AgencyCodeOrder.QCVN102)


@pytest.fixture
def rule_2018(db):
    return RuleSet.objects.get(code="2018")


@pytest.fixture
def rule_2025(db):
    return RuleSet.objects.get(code="2025")


@pytest.mark.django_db
def test_code_format_in_each_rule_set(rule_2018, rule_2025):
    agency = AgencyFactory(code="000.03.21.T99")
    assert code_issue(agency=agency, rule_set=rule_2018, received_at=local(2025, 6, 30, 9)) == (
        "000.03.21.T99-250630-0001",
        "2025",
        1,
    )
    assert code_issue(agency=agency, rule_set=rule_2025, received_at=local(2026, 1, 5, 9)) == (
        "T99.21.03-260105-0001",
        "2026",
        1,
    )
    assert rule_2025.dossier_code_regex.match("T99.21.03-260105-0001")


@pytest.mark.django_db
def test_daily_sequence_resets_at_local_midnight_and_the_register_runs_all_year(rule_2025):
    agency = AgencyFactory(code="000.03.21.T99")
    # 23:59 local on 5 January is 16:59 UTC; 00:00 local on the 6th is 17:00 UTC on the 5th.
    late = local(2026, 1, 5, 23, 59)
    midnight = local(2026, 1, 6, 0, 0)
    assert midnight.astimezone(dt.UTC).date() == dt.date(2026, 1, 5)
    issued = [
        code_issue(agency=agency, rule_set=rule_2025, received_at=at)
        for at in (local(2026, 1, 5, 8), late, midnight, local(2026, 1, 6, 9))
    ]
    assert issued == [
        ("T99.21.03-260105-0001", "2026", 1),
        ("T99.21.03-260105-0002", "2026", 2),
        ("T99.21.03-260106-0001", "2026", 3),
        ("T99.21.03-260106-0002", "2026", 4),
    ]
    new_year = code_issue(agency=agency, rule_set=rule_2025, received_at=local(2027, 1, 4, 8))
    assert new_year == ("T99.21.03-270104-0001", "2027", 1)


@pytest.mark.django_db
def test_two_agencies_count_independently(rule_2025):
    first, second = AgencyFactory(code="000.03.21.T99"), AgencyFactory(code="000.04.21.T99")
    at = local(2026, 3, 2, 9)
    assert code_issue(agency=first, rule_set=rule_2025, received_at=at)[0].endswith("-0001")
    assert code_issue(agency=first, rule_set=rule_2025, received_at=at)[0].endswith("-0002")
    assert code_issue(agency=second, rule_set=rule_2025, received_at=at) == (
        "T99.21.04-260302-0001",
        "2026",
        1,
    )
    assert CodeCounter.objects.get(agency=first, period="260302").value == 2


@pytest.mark.django_db
def test_a_naive_time_is_a_programming_error(rule_2025):
    with pytest.raises(ValueError):
        code_issue(agency=AgencyFactory(), rule_set=rule_2025, received_at=dt.datetime(2026, 1, 5))


def _submitted_dossier(code="000.03.21.T99"):
    agency = AgencyFactory(code=code, with_desk=True)
    version = ProcedureVersionFactory(published=True, competent_agency=agency)
    dossier = DossierFactory(version=version, submitted=True)
    officer = MembershipFactory(one_stop_officer=True, agency=agency).user
    return dossier, officer


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("at", "rule_set_code", "code"),
    [
        (local(2025, 6, 30, 9, 15), "2018", "000.03.21.T99-250630-0001"),
        (local(2026, 2, 2, 9, 15), "2025", "T99.21.03-260202-0001"),
    ],
)
def test_receipt_stamps_the_rule_set_in_force(at, rule_set_code, code):
    dossier, officer = _submitted_dossier()
    dossier = dossier_receive(
        dossier=dossier, actor=officer, time_option=dossier.version.time_options.first(), at=at
    )
    dossier.refresh_from_db()
    assert dossier.rule_set.code == rule_set_code
    assert dossier.code == code
