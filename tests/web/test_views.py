import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_speaks_vietnamese_by_default_whatever_the_browser_asks(client):
    response = client.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Danh bạ cơ quan" in html
    assert "Bỏ qua, đến nội dung chính" in html


def test_language_switch_turns_the_portal_to_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302

    html = client.get(reverse("web:home")).content.decode()
    assert '<html lang="en">' in html
    assert "Agency directory" in html

    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert '<html lang="vi">' in client.get(reverse("web:home")).content.decode()


def test_an_unknown_language_cookie_falls_back_to_vietnamese(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert client.get(reverse("web:home"))["Content-Language"] == "vi"


def test_every_page_carries_security_headers_and_a_policy_without_third_parties(client):
    response = client.get(reverse("web:home"))

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "http" not in policy  # no third-party origin, no CDN
    # Scripts: the portal's own files (an inline one only with the response's own nonce, which
    # django-csp adds when a template uses it); never the invalid literal 'nonce'.
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert script_src.split()[:2] == ["script-src", "'self'"]
    assert "'nonce'" not in script_src
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_static_assets_are_served_locally(client):
    html = client.get(reverse("web:home")).content.decode()

    assert "/static/web/portal.css" in html
    assert "/static/django_htmx/htmx-2.min.js" in html or "htmx" in html
    assert "cdn" not in html.lower()


def test_portal_name_and_emblem_are_configurable(client, settings):
    settings.DVC_PORTAL_NAME = "Cổng dịch vụ công tỉnh Thử Nghiệm"
    settings.DVC_PORTAL_EMBLEM = "web/other-emblem.svg"

    html = client.get(reverse("web:home")).content.decode()

    assert "Cổng dịch vụ công tỉnh Thử Nghiệm" in html
    assert "/static/web/other-emblem.svg" in html


def test_error_pages_give_the_it_department_contact(client, settings):
    settings.DVC_IT_CONTACT = {
        "name": "Sở TT&TT",
        "phone": "0293 1234 567",
        "email": "it@example.vn",
    }

    response = client.get("/khong-co-trang-nay/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html
    assert "0293 1234 567" in html
    assert "it@example.vn" in html


def test_server_error_page_renders_with_contact(rf, settings):
    from dichvucong.web.views import server_error

    settings.DVC_IT_CONTACT = {
        "name": "Sở TT&TT",
        "phone": "0293 1234 567",
        "email": "it@example.vn",
    }
    request = rf.get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = server_error(request)

    assert response.status_code == 500
    assert "0293 1234 567" in response.content.decode()
