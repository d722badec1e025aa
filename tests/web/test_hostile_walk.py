"""Every URL pattern of the project, fed hostile values: never a server error.

The resolver lists the patterns; each is requested with hostile values in its path parameters
(NUL, very long strings, huge and negative numbers, words where ids go, right-to-left text),
then with plausible ones (a real dossier, a real procedure) and hostile values in the common
query and form parameters, by GET and by POST, as anonymous, applicant, desk officer,
specialist and superuser (the admin). Any 5xx is a failure; the list of them is the message.
On PostgreSQL (CI) a NUL that reached a query was a 500; on SQLite it passed silently.
"""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from dichvucong.web.officer.views import ACTIONS
from dichvucong.workflow.steps import open_step
from tests.accounts.factories import UserFactory
from tests.clock import after_the_data
from tests.dossiers.factories import AttachmentFactory, DossierFactory, ResultFileFactory
from tests.web.officer.conftest import at_specialist
from tests.workflow.world import world

HOSTILE = {
    "nul": "1\x00",
    "long": "x" * 2100,  # beyond every text field's limit but the result summary's
    "huge": "99999999999999999999",
    "negative": "-1",
    "word": "abc\u202eقبل\u200f",  # not a number, with right-to-left text
    "digit": "\u00b2",  # isdigit() says yes, int() says no
}
# Every parameter name a view or form of the project reads (grep request.GET / forms), and
# the admin's changelist parameters.
PARAMETERS = [
    "q",
    "component",
    "page",
    "sau",
    "step",
    "amount",
    "fee_amount",
    "fee_due",
    "fee_receipt_number",
    "pair",
    "procedure",
    "scope",
    "due",
    "code",
    "ma",
    "cha",
    "parent",
    "agency",
    "version",
    "time_option",
    "assignee",
    "components",
    "kind",
    "format",
    "from",
    "to",
    "t",
    "next",
    "reset",
    "note",
    "reason",
    "summary",
    "recipient",
    "tracking_number",
    "receipt_number",
    "new_due_at",
    "comment",
    "convenience",
    "overall",
    "channel",
    "owner_name",
    "owner_id_number",
    "submitted_from",
    "submitted_to",
    "level",
    "field",
    "sector",
    "subject",
    "online_level",
    "page_size",
    "o",
    "p",
    "e",
    "all",
]
# Logging out would end the session the walk goes on with.
SKIPPED_WHEN_SIGNED_IN = {"account_logout"}
# Where each role's own pages are (prefixes of the routes); the public pages are walked as
# anonymous, the admin as superuser. Elsewhere a role only meets the same refusals.
AREAS = {
    "anonymous": ("",),
    "applicant": ("ho-so/", "tai-khoan/", "danh-gia/", "giay-to/"),
    "desk officer": ("mot-cua/", "can-bo/", "giay-to/"),
    "specialist": ("can-bo/", "giay-to/"),
    "superuser": ("admin/",),
}


def _patterns(resolvers, prefix=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name


# The world's dossiers are of March 2026; the walk's actions happen now, after them.
pytestmark = after_the_data

PATTERNS = sorted(set(_patterns(get_resolver().url_patterns)))
_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)|\.\*")


def fill(route: str, values: dict[str, str] | str) -> str:
    """The route with each parameter replaced (by name from `values`, or all by one value)."""

    def value(name: str) -> str:
        return values if isinstance(values, str) else str(values.get(name, "1"))

    path = _ROUTE_PARAMETER.sub(lambda m: value(m.group("name")), route)
    path = _REGEX_GROUP.sub(lambda m: value(m.group("name") or ""), path)
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "")


def has_parameters(route: str) -> bool:
    return bool(_ROUTE_PARAMETER.search(route) or _REGEX_GROUP.search(route))


@pytest.fixture
def hostile_world(db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "anon": "1000000/min",
            "user": "1000000/min",
            "lookup": "1000000/min",
        },
    }
    w = world()
    processing = at_specialist(w)  # the specialist's actions are open on it
    submitted = DossierFactory(
        version=w.version,
        receiving_agency=w.desk,
        submitted=True,
        applicant=processing.owner_account,
    )
    return {
        "world": w,
        "plausible": {
            "pk": processing.pk,
            "attachment_pk": AttachmentFactory(dossier=processing).pk,
            "file_pk": ResultFileFactory(dossier=processing).pk,
            "component_id": w.version.components.first().pk,
            "agency_pk": w.desk.pk,
            "version_pk": w.version.pk,
            "local_code": w.version.procedure.local_code,
            "code": processing.code,
            "kind": "receipt",
            "action": "take",
        },
        "submitted": submitted,
        "processing": processing,
        "users": {
            "anonymous": None,
            "applicant": processing.owner_account,
            "desk officer": w.desk_officer,
            "specialist": w.specialist,
            "superuser": UserFactory(superuser=True),
        },
    }


def _requests(route: str, name: str | None, plausible: dict, submitted_pk: int):
    """(method, path, data) to send for one pattern."""
    for value in HOSTILE.values():
        if has_parameters(route):
            for method in ("get", "post"):
                yield method, fill(route, value), {}
        if route.startswith("admin/") and has_parameters(route):
            continue  # an admin object's pages read no parameter of ours: its id is the input
        # Plausible path, hostile parameters (the officer's action: each of them).
        data = dict.fromkeys(PARAMETERS, value)
        actions = ACTIONS if "<slug:action>" in route else [None]
        for action in actions:
            if action:  # POST only: a GET of an action is a 405 before anything is read
                yield "post", fill(route, {**plausible, "action": action}), data
                continue
            yield "get", fill(route, plausible), data
            yield "post", fill(route, plausible), data
        if "mot-cua/ho-so/<int:pk>" in route:  # the desk's pages want a dossier not received
            yield "post", fill(route, {"pk": submitted_pk}), data


def _walk(client, hostile_world, role: str) -> list[str]:
    failures = []
    client.raise_request_exception = False  # a 500 is collected, not raised
    user = hostile_world["users"][role]
    if user is not None:
        client.force_login(user)
    for route, name in PATTERNS:
        if route.startswith("admin/") != (role == "superuser"):
            continue
        if not route.startswith(AREAS[role]):
            continue
        if user is not None and name in SKIPPED_WHEN_SIGNED_IN:
            continue
        # Each route from the fixture's state: a withdrawal or refusal that went through for
        # one route must not leave the later routes only "wrong state" answers.
        with transaction.atomic():
            for method, path, data in _requests(
                route, name, hostile_world["plausible"], hostile_world["submitted"].pk
            ):
                response = getattr(client, method)(path, data)
                if response.status_code >= 500:
                    failures.append(
                        f"{response.status_code} {method.upper()} {path[:120]!r} {route}"
                    )
            transaction.set_rollback(True)
    return failures


@pytest.mark.parametrize("role", list(AREAS))
def test_no_pattern_answers_hostile_input_with_a_server_error(client, hostile_world, role):
    failures = _walk(client, hostile_world, role)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("method", "route", "expected"),
    [
        ("get", "can-bo/ho-so/<int:pk>/", 200),
        ("get", "can-bo/ho-so/<int:pk>/giay-to/<int:attachment_pk>/", 200),
        ("get", "can-bo/ho-so/<int:pk>/ket-qua/<int:file_pk>/", 200),
        ("post", "can-bo/ho-so/<int:pk>/xu-ly/<slug:action>/", 302),  # take: done
    ],
)
def test_the_walks_plausible_values_reach_the_pages(client, hostile_world, method, route, expected):
    """The plausible values lead somewhere: the walk is not 404s all the way down."""
    processing = hostile_world["processing"]
    client.force_login(hostile_world["users"]["specialist"])
    data = {"step": open_step(processing).pk} if method == "post" else {}

    response = getattr(client, method)(fill(route, hostile_world["plausible"]), data)

    assert response.status_code == expected
    if method == "post":
        assert open_step(processing).assignee == hostile_world["users"]["specialist"]
