import pytest
from django.core.exceptions import ValidationError

from dichvucong.accounts.models import User
from dichvucong.accounts.password_validation import PersonalDetailsSimilarityValidator

PERSON = User(
    email="thu.nghiem@example.test",
    full_name="Thử Nghiệm",
    id_number="093190002222",
    tax_code="",
    phone="0909123456",
)


@pytest.mark.parametrize(
    ("password", "detail"),
    [
        ("Thử Nghiệm", "họ và tên"),  # the name itself
        ("thu nghiem", "họ và tên"),  # as typed without diacritics
        ("THỬ-NGHIỆM!", "họ và tên"),
        ("ThuNghiem2024", "họ và tên"),  # the name inside the password
        ("nghiem.thu.2024", "họ và tên"),  # its words in another order, with digits
        ("Thu Nghem ab", "họ và tên"),  # misspelt, still close (difflib ratio ≥ 0.7)
        ("Mk-093190002222", "số định danh cá nhân"),
        ("goi909123456!", "số điện thoại"),  # the number without its leading 0
        ("ThuNghiem@example", "họ và tên"),
        ("thu.nghiem.example", "họ và tên"),
    ],
)
def test_refuses_a_password_made_of_the_persons_details(password, detail):
    with pytest.raises(ValidationError) as refusal:
        PersonalDetailsSimilarityValidator().validate(password, PERSON)
    assert refusal.value.messages == [f"Mật khẩu quá giống với {detail} của bạn."]


@pytest.mark.parametrize(
    "password",
    [
        "Mật-khẩu-thử-2019",  # shares one short word ("thu") with the name, and much else
        "Cơm tấm sườn bì chả",
        "nghiem túc lắm 2024",  # one word of the name among other words
        "0909-bí-mật-riêng",  # a phone's first digits only
    ],
)
def test_accepts_a_password_unlike_the_persons_details(password):
    PersonalDetailsSimilarityValidator().validate(password, PERSON)


def test_an_organisations_tax_code_is_a_detail_too():
    organisation = User(
        email="a@example.test", full_name="Công ty Ánh Dương", tax_code="6300123456"
    )
    with pytest.raises(ValidationError):
        PersonalDetailsSimilarityValidator().validate("Cty-6300123456", organisation)


def test_without_a_user_there_is_nothing_to_compare():
    PersonalDetailsSimilarityValidator().validate("Thử Nghiệm", None)
