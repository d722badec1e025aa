"""The applicant's reads: the timeline keeps only the notes meant for them; result documents
only once the result is out."""

import datetime as dt

import pytest

from dichvucong.dossiers.selectors.applicant import (
    desk_default,
    desks_for_version,
    dossier_timeline_for_applicant,
    result_files_for_applicant,
)
from tests.accounts.factories import UserFactory
from tests.agencies.factories import AdministrativeUnitFactory, AgencyFactory, close_with_successor
from tests.catalog.factories import ProcedureVersionFactory
from tests.clock import after_the_data
from tests.dossiers.processing_paths import INTERNAL_NOTE, SUPPLEMENT_REASON, to_result
from tests.workflow.world import world

# The world's data are fixed dates in 2026; what these tests do "now" comes after them.
pytestmark = [pytest.mark.django_db, after_the_data]


def test_the_timeline_keeps_the_supplement_reason_and_drops_internal_notes(
    vietnamese, django_assert_num_queries
):
    w = world()
    dossier = to_result(w, supplement=True)

    with django_assert_num_queries(1):
        timeline = dossier_timeline_for_applicant(dossier=dossier)

    assert [(row.national_code, row.agency) for row in timeline] == [
        (2, w.desk.name),
        (4, w.desk.name),
        (5, w.processing.name),
    ]
    assert [row.status_label for row in timeline] == [
        "Được tiếp nhận",
        "Đang xử lý",
        "Yêu cầu bổ sung giấy tờ",
    ]
    assert [row.note for row in timeline] == ["", "", SUPPLEMENT_REASON]
    assert INTERNAL_NOTE in dossier.history.values_list("note", flat=True)


def test_result_files_only_once_resolved():
    w = world()
    dossier = to_result(w)

    applicant = dossier.owner_account
    assert list(result_files_for_applicant(user=applicant, dossier=dossier)) == list(
        dossier.result_files.all()
    )
    dossier.status = "processing"  # in memory only: the selector reads the status it is given
    assert not result_files_for_applicant(user=applicant, dossier=dossier).exists()


def _desk(unit_name: str):
    return AgencyFactory(with_desk=True, unit=AdministrativeUnitFactory(name=unit_name))


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("Số 5, Phường 1, Thành phố Vị Thanh", "Phường 1"),
        ("so 5 phuong 12 vi thanh", "Phường 12"),  # typed without diacritics
        ("Ấp 3, xã khác", "Phường 1"),  # no unit named: the first desk
    ],
)
def test_the_default_desk_is_the_one_whose_unit_the_address_names_as_words(address, expected):
    desks = [_desk("Phường 1"), _desk("Phường 12")]
    applicant = UserFactory(applicant=True, address=address)

    assert desk_default(desks=desks, user=applicant).unit.name == expected


def test_only_desks_in_force_that_receive_dossiers_are_offered():
    open_desk, no_desk, closing = (
        AgencyFactory(with_desk=True),
        AgencyFactory(),
        AgencyFactory(with_desk=True),
    )
    version = ProcedureVersionFactory(receiving_agencies=[open_desk, no_desk, closing])
    close_with_successor(closing, closing=dt.date(2026, 3, 4))

    assert list(desks_for_version(version=version)) == [open_desk]
