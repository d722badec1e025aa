import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from dichvucong.accounts.models import User
from dichvucong.core.models import AuditEntry

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "le.thi.hoa@example.test",
    "full_name": "Lê Thị Hoa",
    "kind": "individual",
    "id_number": "093190002222",
    "tax_code": "",
    "phone": "0909 123 456",
    "address": "Ấp Thạnh Trung, xã Hỏa Lựu, TP Vị Thanh",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def _signup(client, **changes):
    return client.post(reverse("account_signup"), {**SIGNUP, **changes})


def _text(response) -> str:
    return response.content.decode()


def _assert_nothing_created(count_before: int = 0):
    assert User.objects.count() == count_before
    assert EmailAddress.objects.count() == count_before
    assert not AuditEntry.objects.filter(action="user.register").exists()
    assert not mail.outbox


def test_signup_page_is_vietnamese_and_accessible(client):
    response = client.get(reverse("account_signup"))
    text = _text(response)
    assert response.status_code == 200
    assert '<html lang="vi">' in text
    assert "Đăng ký tài khoản" in text
    assert 'autocomplete="email"' in text
    assert 'autocomplete="new-password"' in text
    assert 'autocomplete="name"' in text
    assert 'autocomplete="tel"' in text
    assert '<label for="id_id_number">' in text
    assert 'aria-describedby="id_id_number_helptext"' in text
    assert "<legend>" in text  # the applicant type is a labelled radio group


def test_signup_creates_an_unverified_account_and_mails_a_link_that_verifies_it(client):
    response = _signup(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")

    user = User.objects.get(email="le.thi.hoa@example.test")
    assert (user.full_name, user.kind, user.id_number, user.phone) == (
        "Lê Thị Hoa",
        "individual",
        "093190002222",
        "0909123456",
    )
    assert AuditEntry.objects.filter(action="user.register", object_pk=str(user.pk)).exists()
    assert not EmailAddress.objects.get(user=user).verified

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["le.thi.hoa@example.test"]
    assert message.subject == "[Cổng DVC] Xác nhận địa chỉ email"
    assert "Xin chào" in message.body
    link = re.search(r"https?://testserver(/tai-khoan/confirm-email/\S+/)", message.body).group(1)

    page = client.get(link)
    assert page.status_code == 200
    assert "Xác nhận" in _text(page)
    client.post(link)
    assert EmailAddress.objects.get(user=user).verified


def test_signup_of_an_organisation_needs_its_tax_code(client):
    response = _signup(client, kind="organisation", full_name="Công ty TNHH Ánh Dương", tax_code="")
    assert response.status_code == 200
    assert "Nhập mã số thuế của tổ chức." in _text(response)
    _assert_nothing_created()

    response = _signup(
        client, kind="organisation", full_name="Công ty TNHH Ánh Dương", tax_code="6300123456-002"
    )
    assert response.status_code == 302
    user = User.objects.get()
    assert (user.kind, user.tax_code, user.id_number) == ("organisation", "6300123456-002", "")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "khong-phai-email"}, "Địa chỉ email không hợp lệ."),
        ({"password1": "abc12345", "password2": "abc12345"}, "Mật khẩu này quá ngắn"),
        (
            {"password1": "1234567890123", "password2": "1234567890123"},
            "Mật khẩu này hoàn toàn là số",
        ),
        ({"password1": "password123", "password2": "password123"}, "Mật khẩu này quá phổ biến."),
        ({"password2": PASSWORD + "x"}, "Bạn phải nhập cùng một mật khẩu mỗi lần."),
        ({"id_number": "12345"}, "Số định danh cá nhân phải gồm đúng 12 chữ số."),
        ({"id_number": ""}, "Nhập số định danh cá nhân của bạn."),
        ({"phone": "12345"}, "Nhập số điện thoại Việt Nam"),
        ({"kind": "organisation", "tax_code": "63001"}, "Mã số thuế phải gồm 10 chữ số"),
    ],
)
def test_signup_refuses_bad_input_in_vietnamese_and_creates_nothing(client, changes, message):
    response = _signup(client, **changes)
    assert response.status_code == 200
    assert message in _text(response)
    assert 'aria-invalid="true"' in _text(response)
    _assert_nothing_created()


def _answer(client, response) -> tuple:
    """What a visitor sees of a sign-up: status, where it leads, that page's template and
    messages (the comparison of a taken e-mail or ID number with a new one)."""
    page = client.get(response["Location"]) if response.status_code == 302 else response
    return (
        response.status_code,
        response.get("Location"),
        [template.name for template in page.templates][:1],
        [str(message) for message in page.context["messages"]],
    )


def _fresh_answer() -> tuple:
    client = Client()
    answer = _answer(client, _signup(client))
    User.objects.filter(email=SIGNUP["email"]).delete()
    EmailAddress.objects.filter(email=SIGNUP["email"]).delete()
    mail.outbox.clear()
    cache.clear()  # allauth's per-address mail limit would hold back the next answer's mail
    return answer


@pytest.mark.parametrize("email", ["le.thi.hoa@example.test", "Le.Thi.Hoa@EXAMPLE.test"])
def test_signup_with_a_taken_email_answers_as_a_new_one_and_mails_the_owner(client, email):
    fresh = _fresh_answer()
    owner = UserFactory(applicant=True, email="le.thi.hoa@example.test")

    response = _signup(client, email=email, id_number="093190009999")

    assert _answer(client, response) == fresh
    assert "Đã có tài khoản" not in _text(response)
    assert User.objects.get() == owner  # no second account
    assert [message.to for message in mail.outbox] == [[email.lower()]]
    assert mail.outbox[0].subject == "[Cổng DVC] Bạn đã có tài khoản"


def test_signup_with_a_taken_id_number_answers_as_a_new_one_and_mails_its_owner(client):
    fresh = _fresh_answer()
    owner = UserFactory(
        applicant=True, email="chu.tai.khoan@example.test", id_number="093190002222"
    )

    response = _signup(client)

    assert _answer(client, response) == fresh
    assert User.objects.get() == owner
    assert not EmailAddress.objects.filter(email=SIGNUP["email"]).exists()
    [message] = mail.outbox
    assert message.to == ["chu.tai.khoan@example.test"]
    assert message.subject == "[Cổng DVC] Có người đã thử đăng ký bằng thông tin của bạn"
    assert "số định danh cá nhân của bạn" in message.body
    assert "/tai-khoan/password/reset/" in message.body


def test_signup_with_a_taken_tax_code_answers_as_a_new_one_and_mails_its_owner(client):
    fresh = _fresh_answer()
    owner = UserFactory(organisation=True, tax_code="6300123456")

    response = _signup(
        client, kind="organisation", full_name="Công ty TNHH Ánh Dương", tax_code="6300123456"
    )

    assert _answer(client, response) == fresh
    assert User.objects.get() == owner
    [message] = mail.outbox
    assert message.to == [owner.email]
    assert "mã số thuế của tổ chức bạn" in message.body


def test_signup_with_a_taken_id_number_still_refuses_a_bad_password(client):
    # Otherwise the taken path, which creates nothing, would accept what a new one refuses.
    UserFactory(applicant=True, id_number=SIGNUP["id_number"])
    response = _signup(client, password1="password123", password2="password123")
    assert response.status_code == 200
    assert "Mật khẩu này quá phổ biến." in _text(response)
    assert not mail.outbox


@pytest.mark.parametrize(
    "password", ["Lê Thị Hoa", "le thi hoa", "LeThiHoa2024", "hoa.le.thi.1990"]
)
def test_signup_refuses_a_password_like_the_full_name(client, password):
    # An e-mail unlike the name, so that the name is what refuses the password.
    email = "nguoi.dung.moi@example.test"
    response = _signup(client, email=email, password1=password, password2=password)
    assert response.status_code == 200
    assert "Mật khẩu quá giống với họ và tên của bạn." in _text(response)
    _assert_nothing_created()


def test_signup_closed_by_the_setting(client, settings):
    settings.DVC_LOCAL_SIGNUP = False
    page = client.get(reverse("account_signup"))
    assert "Đã ngừng đăng ký tài khoản" in _text(page)
    response = _signup(client)
    assert "Đã ngừng đăng ký tài khoản" in _text(response)
    _assert_nothing_created()


def test_login_and_logout(client):
    user = UserFactory(applicant=True)
    response = client.post(
        reverse("account_login"), {"login": user.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200

    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 302  # to the login page


def test_login_with_a_wrong_password_says_so_in_vietnamese(client):
    user = UserFactory(applicant=True)
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "sai-mat-khau-roi"}
    )
    assert response.status_code == 200
    assert "Địa chỉ email và/hoặc mật khẩu bạn nhập không đúng." in _text(response)


def test_login_before_confirming_the_email_resends_the_link(client):
    user = UserFactory(applicant=True, email_address__verified=False)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_failed_logins_are_throttled_even_with_the_right_password_afterwards(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed": "10/m/ip,5/5m/key",
    }
    user = UserFactory(applicant=True)
    for _attempt in range(5):
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": "sai-mat-khau-roi"}
        )
        assert "Quá nhiều lần đăng nhập thất bại" not in _text(response)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Quá nhiều lần đăng nhập thất bại. Vui lòng thử lại sau." in _text(response)
    assert "_auth_user_id" not in client.session


def test_failed_logins_from_one_address_are_throttled_whatever_it_forwards(client, settings):
    # The portal reached without the proxy: a rotating X-Forwarded-For must not reset the count.
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/m/ip"}
    settings.DVC_TRUSTED_PROXIES = ["10.0.0.0/24"]
    users = UserFactory.create_batch(4, applicant=True)
    pages = [
        _text(
            client.post(
                reverse("account_login"),
                {"login": user.email, "password": "sai-mat-khau-roi"},
                REMOTE_ADDR="198.51.100.20",
                HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
            )
        )
        for n, user in enumerate(users)
    ]
    throttled = ["Quá nhiều lần đăng nhập thất bại" in page for page in pages]
    assert throttled == [False, False, False, True]


def test_behind_our_proxy_failed_logins_count_per_forwarded_client(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/m/ip"}
    settings.DVC_TRUSTED_PROXIES = ["10.0.0.0/24"]
    users = UserFactory.create_batch(4, applicant=True)
    pages = [
        _text(
            client.post(
                reverse("account_login"),
                {"login": user.email, "password": "sai-mat-khau-roi"},
                REMOTE_ADDR="10.0.0.5",
                HTTP_X_FORWARDED_FOR=f"203.0.113.{1 if n < 3 else 2}",
            )
        )
        for n, user in enumerate(users)
    ]
    # The fourth attempt comes from another client behind the same proxy: not throttled.
    assert ["Quá nhiều lần đăng nhập thất bại" in page for page in pages] == [False] * 4


def test_password_reset_sends_a_vietnamese_mail_with_a_working_link(client):
    user = UserFactory(applicant=True)
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "[Cổng DVC] Đặt lại mật khẩu"
    link = re.search(
        r"https?://testserver(/tai-khoan/password/reset/key/\S+/)", message.body
    ).group(1)
    form_page = client.get(link, follow=True)
    assert "Chọn mật khẩu mới" in _text(form_page)
    new_password = "Mật-khẩu-mới-2020"
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_password_change(client):
    user = UserFactory(applicant=True)
    client.force_login(user)
    page = client.get(reverse("account_change_password"))
    assert "Đổi mật khẩu" in _text(page)
    new_password = "Mật-khẩu-mới-2020"
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_profile_shows_and_updates_the_details_through_the_service(client):
    user = UserFactory(applicant=True)
    client.force_login(user)
    page = client.get(reverse("accounts:profile"))
    assert user.id_number in _text(page)
    assert reverse("account_change_password") in _text(page)

    response = client.post(
        reverse("accounts:profile"),
        {
            "full_name": user.full_name,
            "kind": "individual",
            "id_number": user.id_number,
            "phone": "+84 987 654 321",
            "address": "Số 9 Lê Lợi, phường V, TP Vị Thanh",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.phone, user.address) == ("0987654321", "Số 9 Lê Lợi, phường V, TP Vị Thanh")
    entry = AuditEntry.objects.get(action="user.profile_update")
    assert entry.actor_user_id == user.pk
    assert entry.via == "web"


def test_profile_refuses_bad_input_and_changes_nothing(client):
    user = UserFactory(applicant=True)
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "", "kind": "individual", "id_number": "1", "phone": "1", "address": ""},
    )
    assert response.status_code == 200
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số." in _text(response)
    user_after = type(user).objects.get(pk=user.pk)
    assert (user_after.full_name, user_after.phone) == (user.full_name, user.phone)
    assert not AuditEntry.objects.exists()


def test_email_management_page_is_closed(client):
    client.force_login(UserFactory(applicant=True))
    response = client.get("/tai-khoan/email/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")


def test_admin_login_goes_through_the_portal_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")
    response = client.get("/admin/")
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302
    assert follow["Location"].startswith(reverse("account_login"))


def test_admin_refuses_a_signed_in_user_who_is_not_staff(client):
    client.force_login(UserFactory(applicant=True))
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 403
