import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from dichvucong.accounts import demo
from dichvucong.accounts.models import Membership, User
from dichvucong.agencies import demo as agencies_demo
from dichvucong.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_demo_loads_every_role_and_is_idempotent(client):
    agencies_demo.load()
    logins = demo.load()
    counts = (User.objects.count(), Membership.objects.count(), AuditEntry.objects.count())

    assert demo.load() == logins
    assert (User.objects.count(), Membership.objects.count(), AuditEntry.objects.count()) == counts

    assert len(logins) == 4 * 4 + 1 + 2
    assert {row["password"] for row in logins} == {"DemoDVC@2019"}
    for code in ["000.01.01.H30", "000.00.02.H30", "000.00.21.H30", "000.03.21.H30"]:
        roles = set(
            Membership.objects.active().filter(agency__code=code).values_list("role", flat=True)
        )
        assert roles == {"one_stop_officer", "specialist", "leader", "agency_admin"}
    province_admin = User.objects.get(email="quantri.tinh@demo.haugiang.local")
    assert province_admin.agency_scope() is None
    assert province_admin.is_staff
    assert not User.objects.get(email="motcua.tttphcc@demo.haugiang.local").is_staff

    citizen = User.objects.get(email="nguyenvanan@demo.haugiang.local")
    assert (citizen.full_name, citizen.kind, len(citizen.id_number)) == (
        "Nguyễn Văn An",
        "individual",
        12,
    )
    company = User.objects.get(full_name="Công ty TNHH Demo Hậu Giang")
    assert (company.kind, company.tax_code) == ("organisation", "6300123456")
    assert not EmailAddress.objects.filter(verified=False).exists()
    assert not EmailAddress.objects.filter(primary=False).exists()

    # The demo password logs in straight away: the addresses are verified.
    response = client.post(
        reverse("account_login"), {"login": citizen.email, "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(citizen.pk)


def test_demo_logins_need_no_database():
    assert demo.logins()[0]["email"] == "motcua.tttphcc@demo.haugiang.local"
    emails = {row["email"] for row in demo.logins()}
    assert {"chuyenvien.stp@demo.haugiang.local", "lanhdao.hoaluu@demo.haugiang.local"} <= emails


def test_demo_without_the_agencies_says_what_is_missing():
    with pytest.raises(demo.DemoAgencyMissing, match=r"000\.00\.02\.H30"):
        demo.load()
    assert not User.objects.exists()
