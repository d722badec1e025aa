import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction

from dichvucong.core.constants import AgencyCodeOrder, FormPurpose, PaperSize, SupplementStage
from dichvucong.core.errors import NoRuleSetInForce, ServiceError
from dichvucong.core.models import AuditEntry, OfficialForm, RuleSet
from dichvucong.core.selectors import ruleset_form_get, ruleset_in_force, ruleset_overlapping
from dichvucong.core.services import FormSpec, ruleset_create

from .factories import REQUIRED_FORMS, RuleSetFactory

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = dt.UTC


def _form_specs(with_stop_notice=False):
    specs = [FormSpec(purpose=p, number=n, title=t, paper_size=s) for p, n, t, s in REQUIRED_FORMS]
    if with_stop_notice:
        specs.append(FormSpec(FormPurpose.STOP_NOTICE, "07", "Thông báo dừng", PaperSize.A5))
    return specs


def _create_kwargs(**overrides):
    kwargs = {
        "code": "T-NEW",
        "name": "Khung thử",
        "legal_basis": "Thông tư thử",
        "effective_from": dt.date(1990, 1, 1),
        "effective_to": dt.date(1990, 12, 31),
        "dossier_code_agency_order": AgencyCodeOrder.QCVN102,
        "forms": _form_specs(),
    }
    return kwargs | overrides


# --- The seeded frameworks ------------------------------------------------------------------


def test_seeded_2018_framework_has_the_six_tt01_2018_forms():
    rule_set = RuleSet.objects.get(code="2018")
    assert (rule_set.effective_from, rule_set.effective_to) == (
        dt.date(2019, 1, 6),
        dt.date(2025, 9, 14),
    )
    assert "61/2018/NĐ-CP" in rule_set.legal_basis and "01/2018/TT-VPCP" in rule_set.legal_basis
    assert rule_set.dossier_code_agency_order == AgencyCodeOrder.QCVN102
    forms = list(
        rule_set.forms.order_by("number").values_list("number", "purpose", "title", "paper_size")
    )
    assert forms == [
        ("01", "receipt", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "A5"),
        ("02", "supplement_request", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "A5"),
        ("03", "refusal", "Phiếu từ chối tiếp nhận giải quyết hồ sơ", "A5"),
        ("04", "apology", "Phiếu xin lỗi và hẹn lại ngày trả kết quả", "A5"),
        ("05", "control_slip", "Phiếu kiểm soát quá trình giải quyết hồ sơ", "A5"),
        ("06", "register", "Sổ theo dõi hồ sơ", "A4"),
    ]


def test_seeded_2025_framework_has_the_seven_tt03_2025_forms():
    rule_set = RuleSet.objects.get(code="2025")
    assert (rule_set.effective_from, rule_set.effective_to) == (dt.date(2025, 9, 15), None)
    assert "118/2025/NĐ-CP" in rule_set.legal_basis and "03/2025/TT-VPCP" in rule_set.legal_basis
    forms = list(
        rule_set.forms.order_by("number").values_list("number", "purpose", "title", "paper_size")
    )
    assert forms == [
        ("01", "receipt", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "A5"),
        ("02", "supplement_request", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "A5"),
        ("03", "refusal", "Phiếu từ chối tiếp nhận giải quyết hồ sơ", "A5"),
        ("04", "apology", "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết", "A5"),
        ("05", "stop_notice", "Thông báo dừng giải quyết hồ sơ", "A5"),
        ("06", "control_slip", "Phiếu kiểm soát quá trình giải quyết hồ sơ", "A5"),
        ("07", "register", "Sổ theo dõi hồ sơ", "A4"),
    ]


@pytest.mark.parametrize("code", ["2018", "2025"])
def test_seeded_frameworks_share_the_intake_and_late_rules(code):
    rule_set = RuleSet.objects.get(code=code)
    assert rule_set.same_day_cutoff == dt.time(15, 0)
    assert rule_set.dossier_code_sequence_width == 4
    assert (rule_set.intake_supplement_limit, rule_set.processing_supplement_limit) == (1, 1)
    assert rule_set.apology_lead_working_days == 1


def test_form_lookup_is_by_purpose_and_the_stop_notice_exists_only_since_2025():
    assert (
        ruleset_form_get(
            rule_set=RuleSet.objects.get(code="2018"), purpose=FormPurpose.REGISTER
        ).number
        == "06"
    )
    assert (
        ruleset_form_get(
            rule_set=RuleSet.objects.get(code="2025"), purpose=FormPurpose.REGISTER
        ).number
        == "07"
    )
    assert (
        ruleset_form_get(
            rule_set=RuleSet.objects.get(code="2025"), purpose=FormPurpose.STOP_NOTICE
        ).number
        == "05"
    )
    with pytest.raises(ServiceError) as refused:
        ruleset_form_get(rule_set=RuleSet.objects.get(code="2018"), purpose=FormPurpose.STOP_NOTICE)
    assert refused.value.code == "form_not_in_rule_set"


# --- Which framework is in force ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "code"),
    [
        (dt.datetime(2025, 9, 14, 23, 59, tzinfo=VN), "2018"),
        (dt.datetime(2025, 9, 15, 0, 0, tzinfo=VN), "2025"),
        # UTC instants on either side of Vietnamese midnight (UTC+7) of 15/9/2025.
        (dt.datetime(2025, 9, 14, 16, 59, 59, tzinfo=UTC), "2018"),
        (dt.datetime(2025, 9, 14, 17, 0, tzinfo=UTC), "2025"),
        # The UTC date is still 14/9 but Vietnam is already on 15/9.
        (dt.datetime(2025, 9, 14, 20, 0, tzinfo=UTC), "2025"),
        (dt.datetime(2019, 1, 6, 0, 0, tzinfo=VN), "2018"),
        (dt.datetime(2030, 6, 30, 12, 0, tzinfo=VN), "2025"),
    ],
)
def test_rule_set_in_force_follows_the_vietnamese_date(at, code):
    assert ruleset_in_force(at=at).code == code


def test_no_rule_set_in_force_is_a_clear_error():
    # 5/1/2019 23:59 in Vietnam: the day before TT 01/2018 came into force.
    with pytest.raises(NoRuleSetInForce) as refused:
        ruleset_in_force(at=dt.datetime(2019, 1, 5, 16, 59, tzinfo=UTC))
    assert "05/01/2019" in str(refused.value)
    assert isinstance(refused.value, ServiceError)


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="aware"):
        ruleset_in_force(at=dt.datetime(2025, 9, 15, 8, 0))


# --- Creating frameworks ------------------------------------------------------------------------


def test_ruleset_create_saves_forms_and_records_the_change():
    rule_set = ruleset_create(**_create_kwargs(forms=_form_specs(with_stop_notice=True)))
    assert rule_set.forms.count() == 7
    entry = AuditEntry.objects.get(action="core.ruleset.create")
    assert entry.object_pk == str(rule_set.pk)
    assert entry.before is None
    assert entry.after["code"] == "T-NEW"
    assert entry.after["effective_from"] == "1990-01-01"
    assert {form["number"] for form in entry.after["forms"]} == {
        "01",
        "02",
        "03",
        "04",
        "05",
        "06",
        "07",
    }


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2025, 9, 14), None),  # the last day of 2018 and everything after
        (dt.date(2019, 1, 1), dt.date(2019, 1, 6)),  # touches the first day of 2018
        (dt.date(2030, 1, 1), dt.date(2030, 12, 31)),  # inside the open-ended 2025
    ],
)
def test_an_overlapping_period_is_refused_and_nothing_changes(start, end):
    count = RuleSet.objects.count()
    with pytest.raises(ServiceError) as refused:
        ruleset_create(**_create_kwargs(effective_from=start, effective_to=end))
    assert refused.value.code == "ruleset_period_overlap"
    assert refused.value.field == "effective_from"
    assert RuleSet.objects.count() == count
    assert not OfficialForm.objects.filter(rule_set__code="T-NEW").exists()
    assert not AuditEntry.objects.exists()


def test_adjacent_periods_do_not_overlap():
    ruleset_create(
        **_create_kwargs(effective_from=dt.date(2018, 1, 1), effective_to=dt.date(2019, 1, 5))
    )
    assert ruleset_in_force(at=dt.datetime(2019, 1, 5, 12, tzinfo=VN)).code == "T-NEW"
    assert (
        ruleset_overlapping(
            effective_from=dt.date(2019, 1, 5), effective_to=dt.date(2019, 1, 5)
        ).code
        == "T-NEW"
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"effective_to": dt.date(1989, 12, 31)}, None),  # ends before it starts
        ({"dossier_code_sequence_width": 3}, "dossier_code_sequence_width"),
        ({"intake_supplement_limit": 0}, "intake_supplement_limit"),
        ({"dossier_code_agency_order": "alphabetical"}, "dossier_code_agency_order"),
        ({"code": "2018"}, "code"),  # already taken
    ],
)
def test_invalid_rule_set_fields_are_refused(overrides, field):
    count = RuleSet.objects.count()
    with pytest.raises(ServiceError) as refused:
        ruleset_create(**_create_kwargs(**overrides))
    assert refused.value.field == field
    assert RuleSet.objects.count() == count
    assert not AuditEntry.objects.exists()


def test_a_rule_set_without_a_required_form_is_refused():
    specs = [spec for spec in _form_specs() if spec.purpose != FormPurpose.RECEIPT]
    with pytest.raises(ServiceError) as refused:
        ruleset_create(**_create_kwargs(forms=specs))
    assert refused.value.code == "form_missing"
    assert not RuleSet.objects.filter(code="T-NEW").exists()


@pytest.mark.parametrize(
    "bad_form",
    [
        FormSpec(FormPurpose.STOP_NOTICE, "7", "Thông báo dừng", PaperSize.A5),  # not two digits
        FormSpec(FormPurpose.STOP_NOTICE, "07", "Thông báo dừng", "A3"),  # unknown paper size
        FormSpec(FormPurpose.STOP_NOTICE, "01", "Thông báo dừng", PaperSize.A5),  # number taken
        FormSpec(FormPurpose.RECEIPT, "07", "Giấy tiếp nhận", PaperSize.A5),  # purpose taken
    ],
)
def test_invalid_forms_are_refused(bad_form):
    with pytest.raises(ServiceError):
        ruleset_create(**_create_kwargs(forms=[*_form_specs(), bad_form]))
    assert not RuleSet.objects.filter(code="T-NEW").exists()


def test_the_database_refuses_an_end_before_the_start():
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleSet.objects.create(
            code="X",
            name="X",
            legal_basis="X",
            effective_from=dt.date(1990, 2, 1),
            effective_to=dt.date(1990, 1, 31),
            dossier_code_agency_order=AgencyCodeOrder.QCVN102,
        )


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the exclusion constraint is PostgreSQL's"
)
def test_postgresql_refuses_overlapping_periods_even_past_the_service():
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleSetFactory(effective_from=dt.date(2025, 1, 1), effective_to=dt.date(2025, 12, 31))


# --- Rules as data --------------------------------------------------------------------------------


def test_dossier_code_in_the_qcvn102_order():
    rule_set = RuleSet.objects.get(code="2018")
    code = rule_set.dossier_code(
        agency_identifier="000.00.06.H56", received_on=dt.date(2023, 10, 27), sequence=361
    )
    assert code == "000.00.06.H56-231027-0361"
    assert rule_set.dossier_code_regex.match(code)
    assert rule_set.dossier_code_regex.match(code)["agency"] == "000.00.06.H56"


def test_dossier_code_in_the_qd20_order():
    rule_set = RuleSet.objects.get(code="2025")
    code = rule_set.dossier_code(
        agency_identifier="H15.50.05.13", received_on=dt.date(2026, 10, 8), sequence=975
    )
    assert code == "H15.50.05.13-261008-0975"
    assert rule_set.dossier_code_regex.match(code)
    assert not rule_set.dossier_code_regex.match("000.00.06.H56-231027-0361")


@pytest.mark.parametrize(
    ("code", "identifier"),
    [
        ("2018", "H30.05.13"),
        ("2025", "000.00.00.H30"),
        ("2018", "000.00.00.h30"),
        ("2025", "H30." + "1" * 40),
    ],
)
def test_an_agency_identifier_in_the_wrong_order_is_refused(code, identifier):
    with pytest.raises(ServiceError) as refused:
        RuleSet.objects.get(code=code).dossier_code(
            agency_identifier=identifier, received_on=dt.date(2025, 10, 1), sequence=1
        )
    assert refused.value.field == "agency_identifier"


@pytest.mark.parametrize("sequence", [0, 10_000])
def test_a_sequence_outside_the_width_is_refused(sequence):
    with pytest.raises(ServiceError):
        RuleSet.objects.get(code="2025").dossier_code(
            agency_identifier="H30", received_on=dt.date(2025, 10, 1), sequence=sequence
        )


@pytest.mark.parametrize(
    ("stage", "previous", "confirmed", "allowed", "late", "needs_confirmation"),
    [
        (SupplementStage.INTAKE, 0, False, True, False, False),
        (SupplementStage.INTAKE, 1, False, False, False, False),
        (SupplementStage.INTAKE, 1, True, False, False, False),  # no override at intake
        (SupplementStage.PROCESSING, 0, False, True, False, False),
        (SupplementStage.PROCESSING, 1, False, False, True, True),
        (SupplementStage.PROCESSING, 1, True, True, True, True),
    ],
)
def test_supplement_verdict_follows_r7(
    stage, previous, confirmed, allowed, late, needs_confirmation
):
    verdict = RuleSet.objects.get(code="2025").supplement_verdict(
        stage=stage, previous_requests=previous, confirmed=confirmed
    )
    assert (verdict.allowed, verdict.counts_late, verdict.needs_confirmation) == (
        allowed,
        late,
        needs_confirmation,
    )
