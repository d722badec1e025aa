import datetime
from types import SimpleNamespace

import pytest
import time_machine

from dichvucong.agencies import selectors
from dichvucong.agencies.models import Level
from dichvucong.core.constants import LEGAL_TIMEZONE

from .factories import CLOSING, AdministrativeUnitFactory, AgencyFactory

pytestmark = pytest.mark.django_db
TAKEOVER = CLOSING + datetime.timedelta(days=1)
BEFORE = datetime.date(2024, 1, 1)


def _local(*args):
    return datetime.datetime(*args, tzinfo=LEGAL_TIMEZONE)


@pytest.fixture
def merger_chain():
    """Hậu Giang's agency closes on 30/6/2025 into a new one, which itself later merges again."""
    old = AgencyFactory(code="000.00.02.H30", valid_to=CLOSING)
    middle = AgencyFactory(
        code="H92.2", unit=old.unit, valid_from=TAKEOVER, valid_to=datetime.date(2027, 12, 31)
    )
    last = AgencyFactory(code="H92.9", unit=old.unit, valid_from=datetime.date(2028, 1, 1))
    type(old).objects.filter(pk=old.pk).update(successor=middle)
    type(old).objects.filter(pk=middle.pk).update(successor=last)
    return old, middle, last


def test_resolve_current_returns_the_agency_while_in_force(merger_chain):
    old, _middle, _last = merger_chain
    assert selectors.agency_resolve_current(code=old.code, at=BEFORE) == old
    assert selectors.agency_resolve_current(code=old.code, at=CLOSING) == old


def test_resolve_current_follows_successors_after_closing(merger_chain):
    old, middle, last = merger_chain
    assert selectors.agency_resolve_current(code=old.code, at=TAKEOVER) == middle
    assert selectors.agency_resolve_current(code=old.code, at=datetime.date(2030, 1, 1)) == last
    assert selectors.agency_resolve_current(code=middle.code, at=datetime.date(2030, 1, 1)) == last


def test_resolve_current_is_none_without_a_successor_or_before_start():
    closed = AgencyFactory(closed=True)
    future = AgencyFactory(valid_from=datetime.date(2030, 1, 1))
    assert selectors.agency_resolve_current(code=closed.code, at=TAKEOVER) is None
    assert selectors.agency_resolve_current(code=future.code, at=BEFORE) is None
    assert selectors.agency_resolve_current(code="H99.404", at=BEFORE) is None


def test_unit_resolve_current_follows_dissolutions():
    hau_giang = AdministrativeUnitFactory(code="93", valid_to=CLOSING)
    can_tho = AdministrativeUnitFactory(code="92", valid_from=TAKEOVER)
    type(hau_giang).objects.filter(pk=hau_giang.pk).update(successor=can_tho)
    assert selectors.unit_resolve_current(code="93", at=BEFORE) == hau_giang
    assert selectors.unit_resolve_current(code="93", at=TAKEOVER) == can_tho
    assert selectors.unit_resolve_current(code="92", at=BEFORE) is None


def test_unit_children_lists_only_units_in_force():
    district = AdministrativeUnitFactory(district=True)
    open_commune = AdministrativeUnitFactory(commune=True, parent=district)
    AdministrativeUnitFactory(commune=True, parent=district, closed=True)
    AdministrativeUnitFactory(commune=True)  # another district's
    assert list(selectors.unit_children(unit=district, at=TAKEOVER)) == [open_commune]


def test_directory_lists_desks_in_force_by_level_then_name(django_assert_num_queries):
    province = AdministrativeUnitFactory()
    commune = AgencyFactory(commune=True, with_desk=True, name="UBND xã Hỏa Lựu")
    district = AgencyFactory(district=True, with_desk=True, name="UBND thành phố Vị Thanh")
    y_te = AgencyFactory(with_desk=True, name="Sở Y tế", unit=province)
    tu_phap = AgencyFactory(with_desk=True, name="Sở Tư pháp", unit=province)
    uy_ban = AgencyFactory(with_desk=True, name="Ủy ban nhân dân tỉnh", unit=province)
    AgencyFactory(name="Không có quầy", unit=province)
    AgencyFactory(with_desk=True, closed=True, name="Đã giải thể", unit=province)
    with django_assert_num_queries(1):
        rows = selectors.agency_list_directory(at=TAKEOVER)
        names = [agency.name for agency in rows]
    # Vietnamese order: "Sở Tư pháp" before "Sở Y tế", "Ủy ban" after both (U after S).
    assert names == [tu_phap.name, y_te.name, uy_ban.name, district.name, commune.name]


@pytest.mark.parametrize("query", ["hoa luu", "HỎA LỰU", "Hoả Lựu", "hỏa", "000.03.21"])
def test_directory_search_ignores_case_and_diacritics(query):
    wanted = AgencyFactory(
        commune=True, with_desk=True, name="UBND xã Hỏa Lựu", code="000.03.21.H30"
    )
    AgencyFactory(with_desk=True, name="Sở Tư pháp")
    assert selectors.agency_list_directory(at=TAKEOVER, query=query) == [wanted]


def test_directory_search_handles_d_with_stroke():
    wanted = AgencyFactory(with_desk=True, name="Sở Giáo dục và Đào tạo")
    assert selectors.agency_list_directory(at=TAKEOVER, query="dao tao") == [wanted]


def test_directory_filters_by_level():
    AgencyFactory(with_desk=True)
    district = AgencyFactory(district=True, with_desk=True)
    assert selectors.agency_list_directory(at=TAKEOVER, level=Level.DISTRICT) == [district]


def test_scope_ids_for_superuser_province_admin_agency_admin_and_others():
    top = AgencyFactory()
    child = AgencyFactory(parent=top, unit=top.unit)
    grandchild = AgencyFactory(parent=child, unit=top.unit)
    AgencyFactory()  # unrelated
    superuser = SimpleNamespace(is_superuser=True)
    province_admin = SimpleNamespace(is_superuser=False, agency_scope=lambda: None)
    agency_admin = SimpleNamespace(is_superuser=False, agency_scope=lambda: frozenset({top.pk}))
    child_admin = SimpleNamespace(is_superuser=False, agency_scope=lambda: frozenset({child.pk}))
    stranger = SimpleNamespace(is_superuser=False)
    assert selectors.agency_scope_ids(user=superuser) is None
    assert selectors.agency_scope_ids(user=province_admin) is None
    assert selectors.agency_scope_ids(user=agency_admin) == {top.pk, child.pk, grandchild.pk}
    assert selectors.agency_scope_ids(user=child_admin) == {child.pk, grandchild.pk}
    assert selectors.agency_scope_ids(user=stranger) == frozenset()


# --- Closed agencies (R2): one predicate, one check naming the successor


def test_in_force_is_judged_on_the_local_date(merger_chain):
    old, middle, _last = merger_chain
    # 23:30 on 30/6 in Viet Nam is still the closing day; 00:30 on 1/7 is the successor's.
    assert selectors.agency_in_force(old, at=_local(2025, 6, 30, 23, 30))
    assert not selectors.agency_in_force(old, at=_local(2025, 7, 1, 0, 30))
    assert selectors.agency_in_force(middle, at=_local(2025, 7, 1, 0, 30))
    with time_machine.travel(_local(2025, 7, 2, 9, 0), tick=False):
        assert not selectors.agency_in_force(old)
        assert selectors.agency_in_force(middle)


def test_the_refusal_names_the_successor_in_force(merger_chain, vietnamese):
    old, middle, last = merger_chain
    old.refresh_from_db()  # the fixture set the successors in the database
    selectors.agency_require_in_force(agency=old, at=CLOSING)  # in force: nothing raised

    with pytest.raises(selectors.AgencyClosed) as refusal:
        selectors.agency_require_in_force(agency=old, at=TAKEOVER, field="receiving_agency")
    assert refusal.value.field == "receiving_agency"
    assert str(refusal.value) == (
        f"{old.name} đã chấm dứt hoạt động ngày 30/06/2025: hồ sơ mới chuyển về cơ quan kế thừa "
        f"{middle.name} (mã H92.2)."
    )
    # After the second merger the successor named is the one in force then.
    with pytest.raises(selectors.AgencyClosed) as refusal:
        selectors.agency_require_in_force(agency=old, at=datetime.date(2030, 1, 1))
    assert f"{last.name} (mã H92.9)" in str(refusal.value)


def test_the_refusal_without_a_successor_or_before_the_start(vietnamese):
    closed = AgencyFactory(closed=True)
    future = AgencyFactory(valid_from=datetime.date(2030, 1, 1))

    with pytest.raises(selectors.AgencyClosed, match="không có cơ quan kế thừa đang hoạt động"):
        selectors.agency_require_in_force(agency=closed, at=TAKEOVER)
    with pytest.raises(selectors.AgencyClosed, match="chỉ bắt đầu hoạt động từ ngày 01/01/2030"):
        selectors.agency_require_in_force(agency=future, at=BEFORE)
