"""web.middleware: NUL refused anywhere in a request (400); bodies capped before they are read
(413), a body of unknown length refused (411)."""

import io

import pytest
from django.test import RequestFactory

from dichvucong.dossiers.models import Dossier
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProcedureVersionFactory
from tests.wsgi_app import application

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_caps(settings):
    settings.DVC_MAX_BODY_BYTES_ANONYMOUS = 1_000
    settings.DVC_MAX_BODY_BYTES = 10_000
    settings.DVC_IMPORT_MAX_BUNDLE_BYTES = 50_000
    settings.DVC_TEMPLATE_MAX_BYTES = 5_000


# --- NUL


@pytest.mark.parametrize(
    "url",
    [
        "/thu-tuc/1.001193%00/",
        "/co-quan/000.00.02.H30%00/",
        "/co-quan/don-vi-hanh-chinh/con/?cha=1%00",
        "/thu-tuc/?q=khai%00sinh",
        "/thu-tuc/?q%00=khai",
        "/tra-cuu/?ma=H30-250701-0001%00",
        "/static/web/%00.css",
    ],
)
def test_nul_in_the_path_or_query_is_a_400_page(client, vietnamese, url):
    response = client.get(url)

    assert response.status_code == 400
    assert "Yêu cầu có ký tự NUL" in response.content.decode()


def test_nul_under_the_api_is_a_400_in_the_apis_json_shape(client, vietnamese):
    response = client.get("/api/v1/procedures/%00/")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Yêu cầu có ký tự NUL, không trường nào của cổng chấp nhận ký tự này.",
        "code": "nul_character",
    }


def test_nul_in_a_cookie_is_a_400_before_the_session_is_read(client):
    client.cookies["sessionid"] = "abc\x00def0123456789"

    assert client.get("/").status_code == 400


def test_nul_in_a_form_field_is_a_400_and_nothing_is_done(client):
    user = UserFactory(applicant=True)
    client.force_login(user)
    version = ProcedureVersionFactory(published=True)
    start = f"/ho-so/nop/{version.procedure.local_code}/"

    assert client.post(start, {"on_behalf": "x\x00"}).status_code == 400
    assert (
        client.post(start, "on_behalf=x%00", "application/x-www-form-urlencoded").status_code == 400
    )
    assert not Dossier.objects.exists()


def test_a_page_without_nul_is_served(client):
    assert client.get("/thu-tuc/?q=khai sinh").status_code == 200


# --- Body size


class Unreadable(io.RawIOBase):
    """A request body that counts what is read of it (and would go on for ever)."""

    def __init__(self):
        self.read_bytes = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        self.read_bytes += len(buffer)
        buffer[:] = b"a" * len(buffer)
        return len(buffer)


def _call(environ) -> tuple[int, bytes]:
    """The WSGI application itself, with a raw environ: the test client would send its own body."""
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"] = int(status.split()[0])

    body = b"".join(application(environ, start_response))
    return captured["status"], body


def _environ(path, *, length: str | None, body, **extra):
    environ = RequestFactory().post(path).environ
    environ.update({"wsgi.input": body, "CONTENT_TYPE": "multipart/form-data; boundary=x", **extra})
    environ.pop("CONTENT_LENGTH", None)
    if length is not None:
        environ["CONTENT_LENGTH"] = length
    return environ


def test_a_200_mb_anonymous_body_is_refused_before_it_is_read(small_caps, vietnamese):
    body = Unreadable()

    status, content = _call(_environ("/tai-khoan/login/", length=str(200 * 1024 * 1024), body=body))

    assert status == 413
    assert body.read_bytes == 0
    assert "Yêu cầu quá lớn" in content.decode()


def test_a_body_of_unknown_length_is_refused_unread(small_caps):
    body = Unreadable()

    status, _content = _call(
        _environ("/tai-khoan/login/", length=None, body=body, HTTP_TRANSFER_ENCODING="chunked")
    )

    assert status == 411
    assert body.read_bytes == 0


def test_a_length_that_is_not_a_number_is_a_400(small_caps):
    body = Unreadable()

    status, _content = _call(_environ("/tai-khoan/login/", length="-5", body=body))

    assert status == 400
    assert body.read_bytes == 0


def test_the_api_says_413_in_json(client, small_caps):
    response = client.generic(
        "POST", "/api/v1/procedures/", b"{}", "application/json", CONTENT_LENGTH="5000"
    )

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_anonymous_and_signed_in_callers_have_their_own_caps(client, small_caps):
    body = b"a" * 5_000  # over the anonymous cap, under the signed-in one
    url = "/ho-so/"

    assert client.generic("POST", url, body, "application/octet-stream").status_code == 413
    client.force_login(UserFactory(applicant=True))
    assert client.generic("POST", url, body, "application/octet-stream").status_code != 413
    big = b"a" * 20_000
    assert client.generic("POST", url, big, "application/octet-stream").status_code == 413


def test_staff_may_send_an_import_bundle_to_the_admin_only(client, small_caps):
    client.force_login(UserFactory(superuser=True))
    bundle = b"a" * 40_000  # over the signed-in cap, under the import bundle's plus margin

    admin = client.generic("POST", "/admin/catalog/procedure/", bundle, "application/octet-stream")
    portal = client.generic("POST", "/ho-so/", bundle, "application/octet-stream")

    assert admin.status_code != 413
    assert portal.status_code == 413
