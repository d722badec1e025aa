"""Every "may this user do this to that object" of the portal, answered in one place.

    can(user, "dossier.receive", agency_or_dossier) -> bool

Each action is a small named predicate in `ACTIONS`; an unknown action raises `UnknownAction`
(a typo must fail loudly, never deny or allow silently). Rights come only from memberships in
force now (accounts.Membership, cached on the user object for the request).

Who may do what:
- a superuser may do everything (Django's own escape hatch; kept for the IT department's
  break-glass account);
- a province admin (role `province_admin`, in whatever agency) manages the province's
  configuration: agencies, calendars, rule sets, every membership — but does not receive,
  process, approve or read dossiers;
- an agency admin manages their own agencies (details, calendar override, memberships other
  than province admin) and drafts the procedures their agencies are competent for; the
  province admin drafts any procedure and is the only one who publishes;
- one-stop officers receive, specialists (and leaders, who take steps over when they reassign)
  process, leaders approve, at their agencies;
- a user edits their own profile.

Who may see, download or act on one dossier is not here: dichvucong.dossiers.access answers it,
from these rights at the agencies on the dossier's path.

Objects are duck-typed so later apps need not change this module: an agency, anything with an
`agency_id` (a dossier, a membership, a procedure), and a user for "profile.edit".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dichvucong.agencies.models import Agency

from .models import Membership

Role = Membership.Role
OFFICER_ROLES = frozenset({Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER})


class UnknownAction(LookupError):
    pass


def _agency_id(obj: Any) -> int | None:
    if obj is None:
        return None
    if isinstance(obj, Agency):
        return obj.pk
    if hasattr(obj, "agency_id"):
        return obj.agency_id
    raise TypeError(f"Cannot tell which agency {obj!r} belongs to.")


def _is_province_wide(user) -> bool:
    return user.agency_scope() is None


def _administers(user, obj: Any) -> bool:
    """Province-wide, or agency admin of obj's agency (of any agency when obj is None)."""
    scope = user.agency_scope()
    if scope is None:
        return True
    agency_id = _agency_id(obj)
    return bool(scope) if agency_id is None else agency_id in scope


def _holds(user, roles: frozenset[str], obj: Any) -> bool:
    """Holds one of `roles` in obj's agency now (in any agency when obj is None)."""
    agency_id = _agency_id(obj)
    return any(
        role in roles and (agency_id is None or held_agency == agency_id)
        for held_agency, role in user.active_roles()
    )


# --- Predicates: (user, obj) -> bool; user is active and authenticated, not a superuser.


def agency_manage(user, obj) -> bool:
    # Creating an agency (obj None) is the province's; editing one is also its admins'.
    if obj is None:
        return _is_province_wide(user)
    return _administers(user, obj)


def agency_view_admin(user, obj) -> bool:
    return _administers(user, obj)


def calendar_manage(user, obj) -> bool:
    # obj None: the province calendar; an agency: that agency's override.
    if obj is None:
        return _is_province_wide(user)
    return _administers(user, obj)


def membership_manage(user, obj) -> bool:
    # Only the province makes province admins; agency admins staff their own agencies.
    if getattr(obj, "role", None) == Role.PROVINCE_ADMIN:
        return _is_province_wide(user)
    return _administers(user, obj)


def ruleset_manage(user, obj) -> bool:
    return _is_province_wide(user)


def health_view_details(user, obj) -> bool:
    # /healthz's checks and timings are for those who run the portal (agency and province
    # admins, the roles that hold is_staff), not for the public, who get "ok" or 503 only.
    return _administers(user, None)


def procedure_draft(user, obj) -> bool:
    # obj: the competent agency of the version (None: a new procedure, before it has one).
    return _administers(user, obj)


def procedure_publish(user, obj) -> bool:
    # Publishing is the province's (issue 3: agency admins draft, province admins publish).
    return _is_province_wide(user)


def profile_edit(user, obj) -> bool:
    return obj is not None and getattr(obj, "pk", None) == user.pk


def dossier_receive(user, obj) -> bool:
    return _holds(user, frozenset({Role.ONE_STOP_OFFICER}), obj)


def dossier_process(user, obj) -> bool:
    return _holds(user, frozenset({Role.SPECIALIST, Role.LEADER}), obj)


def dossier_handle(user, obj) -> bool:
    # Any officer role at the agency; the process step's own role is checked by the workflow.
    return _holds(user, OFFICER_ROLES, obj)


def dossier_approve(user, obj) -> bool:
    return _holds(user, frozenset({Role.LEADER}), obj)


ACTIONS: dict[str, Callable[[Any, Any], bool]] = {
    "agency.manage": agency_manage,
    "agency.view_admin": agency_view_admin,
    "calendar.manage": calendar_manage,
    "membership.manage": membership_manage,
    "ruleset.manage": ruleset_manage,
    "health.view_details": health_view_details,
    "procedure.draft": procedure_draft,
    "procedure.publish": procedure_publish,
    "profile.edit": profile_edit,
    "dossier.receive": dossier_receive,
    "dossier.process": dossier_process,
    "dossier.handle": dossier_handle,
    "dossier.approve": dossier_approve,
}


def can(user, action: str, obj: Any = None) -> bool:
    """Whether `user` may do `action` to `obj` now."""
    try:
        predicate = ACTIONS[action]
    except KeyError:
        raise UnknownAction(action) from None
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return predicate(user, obj)


# --- Django model permissions by role, for the admin (accounts.backends.RolePermissionBackend).
# Rows are then narrowed by each admin's queryset (agency_scope) and by the predicates above.

_VIEW, _ADD, _CHANGE, _DELETE = "view", "add", "change", "delete"
_ALL = (_VIEW, _ADD, _CHANGE, _DELETE)


def _perms(model: str, *verbs: str) -> frozenset[str]:
    app_label, model_name = model.split(".")
    return frozenset(f"{app_label}.{verb}_{model_name}" for verb in verbs)


# Procedures and versions, for both administrators: which ones each may touch is the catalogue
# admin's scope and the "procedure.draft" / "procedure.publish" predicates; delete = discard
# a draft, and a version's parts are edited inline while it is a draft.
_CATALOG_PERMISSIONS = (
    _perms("catalog.procedure", _VIEW, _ADD, _CHANGE),
    _perms("catalog.procedureversion", *_ALL),
    _perms("catalog.timeoption", *_ALL),
    _perms("catalog.fee", *_ALL),
    _perms("catalog.component", *_ALL),
    _perms("catalog.step", *_ALL),
    _perms("catalog.processstep", *_ALL),
)

ROLE_MODEL_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.PROVINCE_ADMIN: frozenset().union(
        _perms("agencies.administrativeunit", *_ALL),
        _perms("agencies.agency", *_ALL),
        _perms("agencies.workcalendar", *_ALL),
        _perms("agencies.calendarday", *_ALL),
        _perms("core.ruleset", _VIEW, _ADD, _CHANGE),
        _perms("core.officialform", _VIEW, _ADD, _CHANGE, _DELETE),
        _perms("core.auditentry", _VIEW),
        _perms("core.accesslogentry", _VIEW),
        _perms("accounts.user", _VIEW, _ADD, _CHANGE),
        _perms("accounts.membership", _VIEW, _ADD, _CHANGE),
        *_CATALOG_PERMISSIONS,
        _perms("catalog.sector", *_ALL),
        _perms("catalog.field", *_ALL),
    ),
    Role.AGENCY_ADMIN: frozenset().union(
        _perms("agencies.administrativeunit", _VIEW),
        _perms("agencies.agency", _VIEW, _CHANGE),
        _perms("agencies.workcalendar", _VIEW, _ADD, _CHANGE),
        _perms("agencies.calendarday", *_ALL),
        _perms("core.ruleset", _VIEW),
        _perms("core.officialform", _VIEW),
        _perms("accounts.user", _VIEW, _ADD, _CHANGE),
        _perms("accounts.membership", _VIEW, _ADD, _CHANGE),
        *_CATALOG_PERMISSIONS,
        _perms("catalog.sector", _VIEW),
        _perms("catalog.field", _VIEW),
    ),
}


def model_permissions_for(user) -> frozenset[str]:
    """The Django model permissions the user's roles in force give (cached on the user)."""
    cached = getattr(user, "_dvc_model_permissions", None)
    if cached is None:
        roles = {role for _agency, role in user.active_roles()}
        cached = frozenset().union(
            *(ROLE_MODEL_PERMISSIONS.get(role, frozenset()) for role in roles)
        )
        user._dvc_model_permissions = cached
    return cached
