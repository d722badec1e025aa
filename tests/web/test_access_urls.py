"""Every URL of the project that takes a dossier or one of its files asks the access policy.

The test walks the whole URL resolver. Each pattern with arguments is either a known dossier
URL (DOSSIER_URLS: how to call it) or known not to be one (NOT_DOSSIER_URLS: why); a new
pattern in neither list fails the test, so whoever adds a URL decides. Each dossier URL is
requested by outsiders (signed in, with no right to the dossier) while the functions of
dichvucong.dossiers.access record their calls: the answer must be 403 or 404, and the policy
must have been asked. The public status lookup answers, but only after asking the policy.
"""

from __future__ import annotations

import functools
import inspect

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dichvucong.accounts.permissions import ROLE_MODEL_PERMISSIONS
from dichvucong.core.models import AuditEntry
from dichvucong.dossiers import access
from dichvucong.dossiers.models import Dossier
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.agencies.factories import AgencyFactory
from tests.clock import after_the_data
from tests.dossiers.factories import AttachmentFactory
from tests.dossiers.processing_paths import to_result
from tests.workflow.world import world

# name -> (method, {url argument: which object of the fixture fills it}, outsider's answers)
DENIED = (403, 404)
DOSSIER_URLS = {
    "web:dossier-detail": ("get", {"pk": "dossier"}, DENIED),
    "web:dossier-form": ("get", {"pk": "dossier"}, DENIED),
    "web:dossier-files": ("get", {"pk": "dossier"}, DENIED),
    "web:dossier-file-remove": ("post", {"pk": "dossier", "attachment_pk": "attachment"}, DENIED),
    "web:dossier-delivery": ("get", {"pk": "dossier"}, DENIED),
    "web:dossier-review": ("get", {"pk": "dossier"}, DENIED),
    "web:dossier-submitted": ("get", {"pk": "dossier"}, DENIED),
    "web:dossier-delete": ("post", {"pk": "dossier"}, DENIED),
    "web:dossier-resubmit": ("post", {"pk": "dossier"}, DENIED),
    "web:dossier-withdraw": ("post", {"pk": "dossier"}, DENIED),
    "web:attachment": ("get", {"pk": "attachment"}, DENIED),
    "web:result-file": ("get", {"pk": "result"}, DENIED),
    "web:desk-dossier": ("get", {"pk": "dossier"}, DENIED),
    "web:desk-receive": ("post", {"pk": "dossier"}, DENIED),
    "web:desk-supplement": ("post", {"pk": "dossier"}, DENIED),
    "web:desk-refuse": ("post", {"pk": "dossier"}, DENIED),
    "web:desk-stop": ("post", {"pk": "dossier"}, DENIED),
    "web:desk-received": ("get", {"pk": "dossier"}, DENIED),
    "web:officer-dossier": ("get", {"pk": "dossier"}, DENIED),
    "web:officer-action": ("post", {"pk": "dossier", "action": "take"}, DENIED),
    "web:officer-attachment": ("get", {"pk": "dossier", "attachment_pk": "attachment"}, DENIED),
    "web:officer-result": ("get", {"pk": "dossier", "file_pk": "result"}, DENIED),
    "documents:control-slip": ("get", {"pk": "dossier"}, DENIED),
    "documents:dossier-document-by-id": ("get", {"pk": "dossier", "kind": "receipt"}, DENIED),
    "documents:dossier-document": ("get", {"code": "code", "kind": "receipt"}, DENIED),
    "feedback:rate": ("get", {"code": "code"}, DENIED),
    # Public: the status only (the policy's dossiers_with_public_status), to anyone.
    "api:dossier-status": ("get", {"code": "code"}, (200,)),
}

# Pages that name dossiers by a query parameter: asked the same way (the register lists the
# owners of every dossier a desk received).
QUERY_URLS = {
    "documents:register": {"agency": "desk", "from": "2026-03-01", "to": "2026-03-31"},
}

NOT_DOSSIER_URLS = {
    "web:dossier-start": "a procedure's local code: starts a new draft",
    "web:desk-paper-file": "an agency and a procedure version: files a new paper dossier",
    "catalog:template": "a procedure component's blank template",
    "catalog:component-template": "a procedure component's blank template",
    "catalog:detail": "a procedure's public page",
    "agencies:detail": "an agency's public page",
    "api:procedure-detail": "a procedure in the public API",
    "api:baseline": "an agency's public contact baseline",
    "account_confirm_email": "allauth's e-mail confirmation key",
    "account_reset_password_from_key": "allauth's password reset key",
    "admin:view_on_site": "the admin's redirect to an object's public page",
}

# Admin pages are the admin's (model permissions by role, accounts.permissions). Ratings are
# the province's quality review: the rating, not the dossier (decision 0009). The rendered
# forms' list is the break-glass superuser's only: no role has its model permissions (below).
ADMIN_OF_DOSSIER_DATA_ALLOWED = {"feedback/rating", "documents/generateddocument"}
DOSSIER_APPS = ("dossiers", "documents", "feedback")


def _patterns(patterns=None, prefix="", namespace=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            arguments = list(getattr(pattern.pattern, "converters", {})) or list(
                pattern.pattern.regex.groupindex
            )
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, prefix + str(pattern.pattern), arguments


def _with_arguments():
    return [(name, route) for name, route, arguments in _patterns() if arguments]


def test_every_url_with_arguments_is_classified():
    unknown = []
    for name, route in _with_arguments():
        if route.startswith("admin/"):
            app_model = "/".join(route.split("/")[1:3])
            if app_model.split("/")[0] in DOSSIER_APPS:
                assert app_model in ADMIN_OF_DOSSIER_DATA_ALLOWED, route
            continue
        if name not in DOSSIER_URLS and name not in NOT_DOSSIER_URLS:
            unknown.append(f"{name} ({route})")
    assert not unknown, "classify these URLs in tests/web/test_access_urls.py: " + ", ".join(
        unknown
    )
    # And no stale entry: each known dossier URL still exists.
    assert set(DOSSIER_URLS) <= {name for name, _route in _with_arguments()}


def test_no_role_reads_dossiers_or_documents_in_the_admin():
    for role, permissions in ROLE_MODEL_PERMISSIONS.items():
        assert not [p for p in permissions if p.split(".")[0] in ("dossiers", "documents")], role


@pytest.fixture
def asked(monkeypatch):
    """The names of the access policy's functions called during the test."""
    calls: list[str] = []
    for name, function in inspect.getmembers(access, inspect.isfunction):
        if function.__module__ != access.__name__ or name.startswith("_"):
            continue

        def recorder(*args, _function=function, _name=name, **kwargs):
            calls.append(_name)
            return _function(*args, **kwargs)

        monkeypatch.setattr(access, name, functools.wraps(function)(recorder))
    return calls


# The world's dossiers are of March 2026; to_result's steps happen now, after them.
pytestmark = after_the_data


def _state(pk: int) -> tuple:
    """What a refused write must leave as it was."""
    dossier = Dossier.objects.get(pk=pk)
    return (
        dossier.status,
        dossier.history.count(),
        dossier.attachments.count(),
        dossier.result_files.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def things(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    w = world()
    dossier = to_result(w)
    return {
        "dossier": dossier.pk,
        "code": dossier.code,
        "attachment": AttachmentFactory(dossier=dossier).pk,
        "result": dossier.result_files.get().pk,
        "desk": dossier.receiving_agency_id,
        "w": w,
    }


def _outsiders(w) -> dict:
    elsewhere = AgencyFactory(with_desk=True)
    officer = UserFactory()
    for trait in ("one_stop_officer", "specialist", "leader"):
        MembershipFactory(user=officer, agency=elsewhere, **{trait: True})
    return {
        "other_applicant": UserFactory(applicant=True),
        "officer_elsewhere": officer,
        "province_admin": MembershipFactory(province_admin=True, agency=w.processing).user,
        "agency_admin": MembershipFactory(agency_admin=True, agency=w.desk).user,
        "superuser": UserFactory(superuser=True),
    }


def _request(client, name, things):
    method, arguments, expected = DOSSIER_URLS[name]
    kwargs = {key: things.get(source, source) for key, source in arguments.items()}
    url = reverse(name, kwargs=kwargs)
    return getattr(client, method)(url), expected


@pytest.mark.parametrize("name", sorted(DOSSIER_URLS))
def test_each_dossier_url_asks_the_policy_and_refuses_outsiders(client, things, asked, name):
    for who, user in _outsiders(things["w"]).items():
        client.force_login(user)
        asked.clear()
        before = _state(things["dossier"])

        response, expected = _request(client, name, things)

        assert asked, f"{name} answered {who} without asking dossiers.access"
        assert response.status_code in expected, (who, response.status_code)
        assert _state(things["dossier"]) == before, (who, "changed the dossier")


@pytest.mark.parametrize("name", sorted(QUERY_URLS))
def test_each_query_url_asks_the_policy_and_refuses_outsiders(client, things, asked, name):
    query = {key: things.get(source, source) for key, source in QUERY_URLS[name].items()}
    for who, user in _outsiders(things["w"]).items():
        client.force_login(user)
        asked.clear()

        response = client.get(reverse(name), {**query, "format": "xlsx"})

        assert asked, f"{name} answered {who} without asking dossiers.access"
        assert response.status_code == 403, (who, response.status_code)


@pytest.mark.parametrize("name", sorted(DOSSIER_URLS))
def test_anonymous_is_sent_to_log_in_or_refused(client, things, name):
    response, expected = _request(client, name, things)

    if expected == DENIED:
        assert response.status_code in (302, 403, 404), response.status_code
        if response.status_code == 302:
            assert "/tai-khoan/" in response["Location"]
    else:
        assert response.status_code in expected, response.status_code
