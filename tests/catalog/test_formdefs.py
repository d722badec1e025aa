"""Application forms: definitions checked when saved, typed fields with Vietnamese errors,
the generic application, file slots per component, prefill, answers as JSON and as shown."""

import copy
import datetime

import pytest
from django.core.exceptions import ValidationError

from dichvucong.catalog import formdefs
from tests.accounts.factories import UserFactory
from tests.agencies.factories import AdministrativeUnitFactory

from .factories import ProcedureVersionFactory

pytestmark = pytest.mark.django_db


def _definition(*fields, slots=True):
    """A form with the given fields and a file slot for each of the factory's 2 components."""
    files = (
        [
            {"name": "to_khai", "type": "file", "label": "Tờ khai", "component": 1},
            {"name": "ban_sao", "type": "file", "label": "Bản sao", "component": 2},
        ]
        if slots
        else []
    )
    return {
        "title": "Tờ khai thử",
        "allow_template_upload": True,
        "sections": [{"title": "Phần 1", "fields": list(fields) + files}],
    }


def _field(name="truong", kind="text", **extra):
    return {"name": name, "type": kind, "label": f"Nhãn {name}", "required": True, **extra}


@pytest.fixture
def version():
    return ProcedureVersionFactory(complete=True)


def _errors(form, name):
    form.is_valid()
    return form.errors.get(name, [])


# --- Each field type: a good value, a bad one -----------------------------------------------

CASES = [
    # (field, good value posted, stored JSON value, bad value posted, Vietnamese error fragment)
    (_field("ho_ten", "text", max_length=5), "An", "An", "Nguyễn Văn A", "tối đa 5"),
    (_field("ma", "text", pattern=r"\A[A-Z]{2}[0-9]{2}\Z"), "AB12", "AB12", "ab", "đúng mẫu"),
    (_field("noi_dung", "textarea", min_length=3), "Xin cấp", "Xin cấp", "ab", "ít nhất 3"),
    (_field("dien_tich", "number", min=1, max=500), "12.5", "12.5", "0", "lớn hơn hoặc bằng với 1"),
    (_field("so_tien", "money"), "1.500.000", 1500000, "-5", "lớn hơn hoặc bằng với 0"),
    (_field("ngay_sinh", "date"), "01/02/2020", "2020-02-01", "31/02/2020", "ngày hợp lệ"),
    (
        _field("gioi_tinh", "choice", choices=[["nam", "Nam"], ["nu", "Nữ"]]),
        "nu",
        "nu",
        "khac",
        "không phải là một trong",
    ),
    (_field("co_con", "yesno"), "no", False, "", "bắt buộc"),
    (_field("thu", "email"), "a@b.vn", "a@b.vn", "a@b", "Địa chỉ email không hợp lệ"),
    (_field("dt", "phone"), "+84 912 345 678", "0912345678", "12345", "số điện thoại"),
    (_field("cccd", "id_number"), "001203004005", "001203004005", "12345678901", "12 chữ số"),
    (_field("mst", "tax_code"), "0101234567-001", "0101234567-001", "01012345", "Mã số thuế"),
]


@pytest.mark.parametrize(("spec", "good", "stored", "bad", "message"), CASES)
def test_each_type_takes_a_good_value_and_refuses_a_bad_one_in_vietnamese(
    version, vietnamese, spec, good, stored, bad, message
):
    version.form = _definition(spec)
    formdefs.validate_definition(version.form, version)
    form = formdefs.form_for_version(version, data={spec["name"]: good})
    assert form.is_valid(), form.errors
    assert formdefs.answers_to_json(form) == {spec["name"]: stored}

    refused = formdefs.form_for_version(version, data={spec["name"]: bad})
    errors = _errors(refused, spec["name"])
    assert errors and message in " ".join(errors), errors


@pytest.mark.parametrize(
    ("posted", "stored"),
    [("1 500 000 đồng", 1500000), ("2.000", 2000), ("0", 0), ("1,5", None), ("1.50", None)],
)
def test_money_reads_thousands_groups_and_nothing_else(version, vietnamese, posted, stored):
    version.form = _definition(_field("so_tien", "money"))
    form = formdefs.form_for_version(version, data={"so_tien": posted})
    if stored is None:
        assert "số tiền bằng đồng" in " ".join(_errors(form, "so_tien"))
    else:
        assert form.is_valid(), form.errors
        assert formdefs.answers_to_json(form) == {"so_tien": stored}


def test_money_without_a_maximum_is_still_bounded(version, vietnamese):
    version.form = _definition(_field("so_tien", "money"))
    form = formdefs.form_for_version(version, data={"so_tien": "99999999999999999999"})
    assert "nhỏ hơn hoặc bằng" in " ".join(_errors(form, "so_tien"))
    assert formdefs.answers_errors(version, {"so_tien": 10**20})["so_tien"]
    assert formdefs.answers_errors(version, {"so_tien": formdefs.MONEY_MAX}) == {}


def test_a_number_takes_the_decimal_comma(version):
    version.form = _definition(_field("dien_tich", "number"))
    form = formdefs.form_for_version(version, data={"dien_tich": "12,5"})
    assert form.is_valid(), form.errors
    assert formdefs.answers_to_json(form) == {"dien_tich": "12.5"}


def test_multiple_choice(version, vietnamese):
    spec = _field("giay_to", "multichoice", choices=[["a", "Giấy A"], ["b", "Giấy B"]])
    version.form = _definition(spec)
    form = formdefs.form_for_version(version, data={"giay_to": ["a", "b"]})
    assert form.is_valid()
    assert formdefs.answers_to_json(form) == {"giay_to": ["a", "b"]}
    assert formdefs.answers_display(version, {"giay_to": ["a", "b"]}) == [
        ("Phần 1", [("Nhãn giay_to", "Giấy A, Giấy B")])
    ]
    assert "không phải là một trong" in " ".join(
        _errors(formdefs.form_for_version(version, data={"giay_to": ["z"]}), "giay_to")
    )


def test_an_optional_field_may_stay_empty_a_required_one_may_not(version, vietnamese):
    version.form = _definition(_field("a", required=True), _field("b", required=False))
    form = formdefs.form_for_version(version, data={"a": "", "b": ""})
    assert not form.is_valid()
    assert form.errors["a"] == ["Trường này là bắt buộc."]
    assert "b" not in form.errors


@pytest.fixture
def units():
    province = AdministrativeUnitFactory(code="93", name="Tỉnh Hậu Giang")
    district = AdministrativeUnitFactory(
        district=True, code="930", name="Vị Thanh", parent=province
    )
    commune = AdministrativeUnitFactory(commune=True, code="31471", name="Hỏa Lựu", parent=district)
    other = AdministrativeUnitFactory(commune=True, code="31999", name="Xã khác")
    closed = AdministrativeUnitFactory(
        commune=True, code="31472", parent=district, valid_to=datetime.date(2020, 1, 1)
    )
    return province, district, commune, other, closed


def _address(province, district, commune, street="Số 1, ấp 2"):
    return {"noi_o_0": province, "noi_o_1": district, "noi_o_2": commune, "noi_o_3": street}


def test_address_takes_a_commune_in_its_district_and_province(version, units, vietnamese):
    _province, _district, _commune, other, closed = units
    version.form = _definition(_field("noi_o", "address"))
    form = formdefs.form_for_version(version, data=_address("93", "930", "31471"))
    assert form.is_valid(), form.errors
    answers = formdefs.answers_to_json(form)
    assert answers == {"noi_o": {"unit": "31471", "street": "Số 1, ấp 2"}}
    assert formdefs.answers_display(version, answers)[0][1] == [
        ("Nhãn noi_o", "Số 1, ấp 2, Hỏa Lựu, Vị Thanh, Tỉnh Hậu Giang")
    ]
    # The selects offer the units in force under what is chosen, and ask htmx for the next.
    rendered = str(form["noi_o"])
    assert "Hỏa Lựu" in rendered and "31472" not in rendered
    assert "hx-get" in rendered

    for data in (
        _address("93", "930", other.code),  # a commune elsewhere
        _address("93", "930", closed.code),  # no longer in force
        _address("93", "930", "31471", street=""),  # no street line
    ):
        refused = formdefs.form_for_version(version, data=data)
        assert not refused.is_valid()
        assert refused.errors["noi_o"]
        assert all("Choose" not in message for message in refused.errors["noi_o"])


def test_address_with_a_commune_directly_under_the_province(version, units):
    province = units[0]
    AdministrativeUnitFactory(commune=True, code="31500", name="Phường mới", parent=province)
    version.form = _definition(_field("noi_o", "address"))
    form = formdefs.form_for_version(version, data=_address("93", "31500", ""))
    assert form.is_valid(), form.errors
    assert formdefs.answers_to_json(form)["noi_o"] == {"unit": "31500", "street": "Số 1, ấp 2"}
    # A district alone is not an address.
    refused = formdefs.form_for_version(version, data=_address("93", "930", ""))
    assert not refused.is_valid()


# --- Stored answers checked directly (the submit path) ---------------------------------------


@pytest.mark.parametrize(("spec", "good", "stored", "bad", "message"), CASES)
def test_stored_answers_are_checked_by_the_same_fields(
    version, vietnamese, spec, good, stored, bad, message
):
    version.form = _definition(spec)
    name = spec["name"]

    assert formdefs.answers_errors(version, {name: stored}) == {}
    assert formdefs.answers_errors(version, {}) == {name: ["Trường này là bắt buộc."]}
    # What the form refuses when posted, it refuses stored, with the same words.
    posted = formdefs.form_for_version(version, data={name: bad})
    if isinstance(stored, str) and bad:
        assert formdefs.answers_errors(version, {name: bad}) == {name: _errors(posted, name)}


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        ({"so_tien": -5}, "lớn hơn hoặc bằng với 0"),
        ({"dien_tich": "0"}, "lớn hơn hoặc bằng với 1"),
        ({"giay_to": ["z"]}, "không phải là một trong"),
        ({"giay_to": "a"}, "danh sách"),
        ({"co_con": "maybe"}, "không phải là một trong"),
        ({"ngay_sinh": "2020-02-31"}, "ngày hợp lệ"),
    ],
)
def test_stored_answers_out_of_shape_are_refused(version, vietnamese, stored, message):
    version.form = _definition(
        _field("so_tien", "money", required=False),
        _field("dien_tich", "number", min=1, required=False),
        _field("giay_to", "multichoice", choices=[["a", "A"]], required=False),
        _field("co_con", "yesno", required=False),
        _field("ngay_sinh", "date", required=False),
    )
    errors = formdefs.answers_errors(version, stored)
    assert list(errors) == list(stored)
    assert message in " ".join(errors[next(iter(stored))]), errors


def test_stored_answers_with_true_and_false_for_yes_and_no(version):
    version.form = _definition(_field("co_con", "yesno"))
    assert formdefs.answers_errors(version, {"co_con": False}) == {}
    assert formdefs.answers_errors(version, {"co_con": True}) == {}


def test_a_stored_address_is_checked_against_the_units_in_force(version, units, vietnamese):
    closed = units[-1]
    version.form = _definition(_field("noi_o", "address"))
    good = {"noi_o": {"unit": "31471", "street": "Số 1, ấp 2"}}

    assert formdefs.answers_errors(version, good) == {}
    for address in (
        {"unit": closed.code, "street": "Số 1"},  # no longer in force
        {"unit": "99999", "street": "Số 1"},  # no such unit
        {"unit": "31471", "street": ""},  # no street line
    ):
        assert formdefs.answers_errors(version, {"noi_o": address}).get("noi_o"), address


# --- Definitions refused ---------------------------------------------------------------------

REFUSALS = [
    (_field("a", "slider"), "không có loại"),
    (_field("A b"), "tên trường"),
    (_field("a", "text", pattern="([a-"), "biểu thức chính quy"),
    (_field("a", "number", min=5, max=1), "lớn hơn"),
    (_field("a", "text", min_length=9, max_length=2), "lớn hơn"),
    (_field("a", "money", min=-1), "không nhỏ hơn"),
    (_field("a", "choice"), "choices"),
    (_field("a", "choice", choices=[["x", "X"], ["x", "Y"]]), "hai lần"),
    (_field("a", "text", choices=[["x", "X"]]), "không áp dụng"),
    (_field("a", "text", prefill="birthday"), "điền sẵn"),
    ({"name": "a", "type": "text", "label": ""}, "nhãn"),
    (_field("a", "text", colour="red"), "colour"),
]


@pytest.mark.parametrize(("spec", "message"), REFUSALS)
def test_bad_definitions_are_refused_naming_the_field(version, vietnamese, spec, message):
    with pytest.raises(ValidationError) as refused:
        formdefs.validate_definition(_definition(spec), version)
    text = " ".join(refused.value.messages)
    assert message in text
    if spec.get("name") == "a":
        assert "“a”" in text


def test_duplicate_names_and_structure_are_refused(version, vietnamese):
    with pytest.raises(ValidationError) as refused:
        formdefs.validate_definition(_definition(_field("a"), _field("a")), version)
    assert "“a”" in refused.value.messages[0] and "hai lần" in refused.value.messages[0]
    for bad in ([], "x", {"sections": []}, {"title": "T", "sections": [{"fields": []}]}):
        with pytest.raises(ValidationError):
            formdefs.validate_definition(bad, version)
    formdefs.validate_definition({}, version)  # no form: the generic one


def test_every_mandatory_component_needs_a_file_slot(version, vietnamese):
    with pytest.raises(ValidationError) as refused:
        formdefs.validate_definition(_definition(_field("a"), slots=False), version)
    assert len(refused.value.messages) == 2
    assert "không có ô tải tệp" in refused.value.messages[0]
    definition = _definition(_field("a"))
    definition["sections"][0]["fields"].append(
        {"name": "thua", "type": "file", "label": "Thừa", "component": 3}
    )
    with pytest.raises(ValidationError) as refused:
        formdefs.validate_definition(definition, version)
    assert "“thua”" in refused.value.messages[0]


# --- Generic fallback, file slots, prefill ----------------------------------------------------


def test_a_version_without_a_form_gets_the_generic_application(version, vietnamese):
    assert version.form == {}
    definition = formdefs.definition_for(version)
    formdefs.validate_definition(definition, version)  # the generic one is itself valid
    form = formdefs.form_for_version(version)
    assert list(form.fields) == [
        "nguoi_de_nghi",
        "so_dinh_danh",
        "dia_chi",
        "dien_thoai",
        "email",
        "noi_dung",
    ]
    assert definition["title"] == "Đơn đề nghị"
    components = list(version.components.all())
    assert formdefs.file_slots(version) == [
        (components[0], components[0].name, True),
        (components[1], components[1].name, True),
    ]
    assert formdefs.allows_template_upload(version) is False


def test_file_slots_follow_the_stored_form(version):
    version.form = _definition(_field("a"))
    first, second = version.components.all()
    second.mandatory = False
    second.save()
    version.form["sections"][0]["fields"][2]["required"] = False
    assert formdefs.file_slots(version) == [(first, "Tờ khai", True), (second, "Bản sao", False)]
    assert "to_khai" not in formdefs.form_for_version(version).fields
    assert formdefs.allows_template_upload(version) is True


def test_prefill_from_the_profile(version):
    user = UserFactory(
        applicant=True, full_name="Trần Thị B", id_number="093200001234", phone="0912345678"
    )
    initial = formdefs.prefill_from_user(version, user)
    assert initial["nguoi_de_nghi"] == "Trần Thị B"
    assert initial["so_dinh_danh"] == "093200001234"
    assert initial["dien_thoai"] == "0912345678"
    assert initial["email"] == user.email
    assert "noi_dung" not in initial
    form = formdefs.form_for_version(version, initial=initial)
    assert form["nguoi_de_nghi"].value() == "Trần Thị B"


def test_answers_display_in_plain_words(version, vietnamese):
    version.form = _definition(
        _field("ngay", "date"), _field("tien", "money"), _field("co", "yesno")
    )
    shown = formdefs.answers_display(version, {"ngay": "2020-02-01", "tien": 1500000, "co": True})
    assert shown == [
        (
            "Phần 1",
            [("Nhãn ngay", "01/02/2020"), ("Nhãn tien", "1.500.000 đồng"), ("Nhãn co", "Có")],
        )
    ]


def test_validation_does_not_change_the_definition(version):
    definition = _definition(_field("a"))
    before = copy.deepcopy(definition)
    formdefs.validate_definition(definition, version)
    assert definition == before


# --- In the exchange format -------------------------------------------------------------------


def test_the_exchange_format_carries_the_form_and_refuses_a_bad_one(version, vietnamese):
    from dichvucong.catalog.content import content_hash, item_normalize, procedure_item

    plain = procedure_item(version)
    assert "form" not in plain["version"]  # no form: the key is left out, the hash unchanged
    version.form = _definition(_field("ho_ten"))
    item = procedure_item(version)
    assert item["version"]["form"] == version.form
    assert content_hash(item) != content_hash(plain)
    normalized, errors = item_normalize(item)
    assert errors == [] and normalized.item == item

    item["version"]["form"] = _definition(_field("ho_ten"), slots=False)
    normalized, errors = item_normalize(item)
    assert normalized is None
    assert [path for path, _message in errors] == [("version", "form")] * 2
    assert "không có ô tải tệp" in errors[0][1]


# --- The demo's forms --------------------------------------------------------------------------


def test_demo_forms_follow_their_declaration_forms_and_are_marked_unverified(vietnamese):
    from dichvucong.agencies import demo as agencies_demo
    from dichvucong.catalog import demo as catalog_demo
    from dichvucong.catalog.models import ProcedureVersion, VersionStatus

    agencies_demo.load()
    catalog_demo.load()
    published = ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED)
    with_form = {v.name: v for v in published if v.form}
    assert {
        "Đăng ký khai sinh",
        "Đăng ký khai tử",
        "Đăng ký kết hôn",
        "Đăng ký thường trú",
        "Đăng ký thành lập hộ kinh doanh",
    } <= set(with_form)
    for version in with_form.values():
        formdefs.validate_definition(version.form, version)
        assert "form" in version.unverified
        assert len(formdefs.file_slots(version)) == version.components.count()

    khai_sinh = with_form["Đăng ký khai sinh"]
    assert khai_sinh.form["title"].startswith("Tờ khai đăng ký khai sinh")
    form = formdefs.form_for_version(khai_sinh)
    for name in ("nyc_ho_ten", "ks_gioi_tinh", "ks_ngay_sinh", "ks_que_quan", "me_quoc_tich"):
        assert name in form.fields
    # The applicant's address offers the demo province's units.
    assert "Hậu Giang" in str(form["nyc_noi_cu_tru"])
    # A procedure without its own form gets the generic application.
    generic = next(v for v in published if not v.form)
    assert "noi_dung" in formdefs.form_for_version(generic).fields
