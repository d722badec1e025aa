"""Who may see, download or act on a dossier: the one answer that every view, API endpoint,
download and PDF of the portal asks (docs/access-policy.md has the table, decision 0009 why).

    access.dossier_access(user=user, dossier=dossier)     -> Access (sees, files, actions)
    access.dossiers_visible_to(user=user, parties=...)    -> the same rule as a queryset
    access.dossier_is_applicant(user=user, dossier=d)     -> owner or submitter (no query)
    access.dossier_may_rate(user=user, dossier=d, token=t) / access.dossiers_with_public_status(code=c)
    access.register_agencies(user=user)                   -> whose register the user may print

Rights at an agency (receive, process, approve) stay in accounts.permissions.can(); this module
says how the user stands to one dossier (its applicant, its desk, an agency on its path, a
leader there) and what follows from that. Callers import the module and call
`access.<function>` (tests/web/test_access_urls.py records those calls to prove every dossier
URL asks).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from dichvucong.accounts.models import Membership
from dichvucong.accounts.permissions import OFFICER_ROLES
from dichvucong.agencies.models import Agency
from dichvucong.core.constants import FormPurpose

from .constants import RESULT_OUT, DossierStatus
from .models import Dossier, DossierStep, ResultFile
from .tokens import rating_token_valid

Role = Membership.Role


class Party(enum.StrEnum):
    """How a user stands to one dossier (a user may be several)."""

    OWNER = "owner"  # the owner's account
    SUBMITTER = "submitter"  # the account that filed it (may be the owner's)
    DESK = "desk"  # a one-stop officer of the receiving agency
    PATH = "path"  # an officer (any officer role) of an agency on its path
    LEADER = "leader"  # a leader of an agency on its path


APPLICANT = frozenset({Party.OWNER, Party.SUBMITTER})
OFFICER = frozenset({Party.DESK, Party.PATH, Party.LEADER})


class FileKind(enum.StrEnum):
    """Every kind of file the portal serves for a dossier. The generated forms carry the rule
    set's purpose values (documents.DocumentKind: a test keeps them equal)."""

    ATTACHMENT = "attachment"
    RECEIPT = FormPurpose.RECEIPT.value  # form 01
    SUPPLEMENT_REQUEST = FormPurpose.SUPPLEMENT_REQUEST.value  # form 02
    REFUSAL = FormPurpose.REFUSAL.value  # form 03
    APOLOGY = FormPurpose.APOLOGY.value  # form 04
    STOP_NOTICE = FormPurpose.STOP_NOTICE.value  # 2025 form 05
    CONTROL_SLIP = "control_slip"  # 2018 form 05 / 2025 form 06: built from the history
    REGISTER_LINE = "register_line"  # its line in the desk's register (2018 form 06 / 2025 07)
    RESULT = "result"


FORMS = frozenset(
    {
        FileKind.RECEIPT,
        FileKind.SUPPLEMENT_REQUEST,
        FileKind.REFUSAL,
        FileKind.APOLOGY,
        FileKind.STOP_NOTICE,
    }
)


class Action(enum.StrEnum):
    """What a user may do to the dossier. The right to try: the workflow still checks the
    state and the step's own role (and refuses with its reasons)."""

    EDIT = "edit"  # the applicant's answers and files: a draft, or a supplement asked for
    WITHDRAW = "withdraw"  # the applicant asks to withdraw
    RATE = "rate"  # the applicant, or whoever holds the paper's QR
    RECEIVE = "receive"  # the desk: receive, ask for a supplement at intake, refuse
    PROCESS = "process"  # a step at the user's agency: take, forward, send back, propose...
    ASSIGN = "assign"  # a leader hands a step of their agency to an officer
    APPROVE = "approve"  # a leader approves the proposed result
    STOP = "stop"  # the desk before receipt; a leader after
    APOLOGISE = "apologise"  # a leader issues form 04 with a new date
    RECORD_PAYMENT = "record_payment"  # the desk records the fee paid
    RETURN_RESULT = "return_result"  # the desk hands the result over


REGISTER_ROLES = frozenset({Role.ONE_STOP_OFFICER, Role.LEADER})
PROCESSING_ROLES = frozenset({Role.SPECIALIST, Role.LEADER})

_APPLICANT_FILES = frozenset({FileKind.ATTACHMENT, *FORMS, FileKind.CONTROL_SLIP})
_OFFICER_FILES = _APPLICANT_FILES | {FileKind.RESULT}
_APPLICANT_ACTIONS = frozenset({Action.EDIT, Action.WITHDRAW, Action.RATE})


@dataclass(frozen=True)
class Access:
    """What one user may do with one dossier."""

    parties: frozenset[Party]
    sees: bool
    files: frozenset[FileKind]
    actions: frozenset[Action]
    # Officers see a result the leader sent back (withdrawn); the applicant never does.
    sees_withdrawn_results: bool = False

    def may_download(self, kind: FileKind, *, withdrawn: bool = False) -> bool:
        if kind == FileKind.RESULT and withdrawn:
            return self.sees_withdrawn_results
        return kind in self.files

    def may(self, action: Action) -> bool:
        return action in self.actions


NOTHING = Access(parties=frozenset(), sees=False, files=frozenset(), actions=frozenset())


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def _officer_roles(user: Any) -> dict[int, frozenset[str]]:
    """The officer roles the user holds today, by agency (admins hold none of these)."""
    roles: dict[int, set[str]] = {}
    for agency_id, role in user.active_roles():
        if role in OFFICER_ROLES:
            roles.setdefault(agency_id, set()).add(role)
    return {agency_id: frozenset(held) for agency_id, held in roles.items()}


def _path_agencies(dossier: Dossier, candidates: set[int]) -> set[int]:
    """Which of `candidates` are on the dossier's path: its receiving or processing agency, or
    the agency of one of its steps (a query only for agencies not found on the dossier row)."""
    on_row = {dossier.receiving_agency_id, dossier.processing_agency_id} & candidates
    rest = candidates - on_row
    if rest and dossier.pk is not None:
        on_row |= set(
            DossierStep.objects.filter(dossier_id=dossier.pk, agency_id__in=rest)
            .values_list("agency_id", flat=True)
            .distinct()
        )
    return on_row


def _standing(
    user: Any, dossier: Dossier
) -> tuple[frozenset[Party], frozenset[int], dict[int, frozenset[str]]]:
    """How the user stands to the dossier, which of their agencies are on its path, and the
    officer roles they hold by agency. Drafts are their applicant's alone."""
    if not _signed_in(user):
        return frozenset(), frozenset(), {}
    parties: set[Party] = set()
    if user.pk == dossier.owner_account_id:
        parties.add(Party.OWNER)
    if user.pk == dossier.submitter_account_id:
        parties.add(Party.SUBMITTER)
    if dossier.status == DossierStatus.DRAFT:
        return frozenset(parties), frozenset(), {}
    roles = _officer_roles(user)
    if Role.ONE_STOP_OFFICER in roles.get(dossier.receiving_agency_id, ()):
        parties.add(Party.DESK)
    on_path = _path_agencies(dossier, set(roles))
    if on_path:
        parties.add(Party.PATH)
    if any(Role.LEADER in roles[agency_id] for agency_id in on_path):
        parties.add(Party.LEADER)
    return frozenset(parties), frozenset(on_path), roles


def dossier_access(*, user: Any, dossier: Dossier) -> Access:
    """Everything `user` may see, download and do with `dossier` now."""
    parties, on_path, roles = _standing(user, dossier)
    if not parties:
        return NOTHING
    files: set[FileKind] = set()
    actions: set[Action] = set()
    if parties & APPLICANT:
        files |= _APPLICANT_FILES
        actions |= _APPLICANT_ACTIONS
        if dossier.status in RESULT_OUT:
            files.add(FileKind.RESULT)
    if parties & OFFICER:
        files |= _OFFICER_FILES
    if Party.DESK in parties:
        files.add(FileKind.REGISTER_LINE)
        actions |= {
            Action.RECEIVE,
            Action.STOP,
            Action.RECORD_PAYMENT,
            Action.RETURN_RESULT,
            Action.PROCESS,  # the desk's own steps (receive and hand on, return)
        }
    # From the roles held, never from can(): a superuser who is also an officer somewhere gets
    # that officer's rights, not every right (can() answers yes to a superuser for anything).
    if any(roles[pk] & PROCESSING_ROLES for pk in on_path):
        actions.add(Action.PROCESS)
    if Party.LEADER in parties:
        actions |= {Action.ASSIGN, Action.APPROVE, Action.STOP, Action.APOLOGISE}
    if Role.LEADER in roles.get(dossier.receiving_agency_id, ()):
        files.add(FileKind.REGISTER_LINE)  # the leader of the desk's agency
    if dossier.received_at is None:
        # The slip records the processing: there is none before receipt.
        files.discard(FileKind.CONTROL_SLIP)
        files.discard(FileKind.REGISTER_LINE)
    return Access(
        parties=parties,
        sees=True,
        files=frozenset(files),
        actions=frozenset(actions),
        sees_withdrawn_results=bool(parties & OFFICER),
    )


# --- The same rule as querysets: lists and details cannot disagree. ---------------------------


def _applicant_q(user: Any) -> Q:
    return Q(owner_account_id=user.pk) | Q(submitter_account_id=user.pk)


def _officer_q(agency_ids: frozenset[int] | set[int]) -> Q:
    at_step = DossierStep.objects.filter(dossier=OuterRef("pk"), agency_id__in=agency_ids)
    return ~Q(status=DossierStatus.DRAFT) & (
        Q(receiving_agency_id__in=agency_ids)
        | Q(processing_agency_id__in=agency_ids)
        | Exists(at_step)
    )


def _visible_q(user: Any, parties: frozenset[Party]) -> Q | None:
    """The dossiers `user` sees as one of `parties`; None: none at all."""
    if not _signed_in(user):
        return None
    roles = _officer_roles(user)
    parts: list[Q] = []
    if parties & APPLICANT:
        parts.append(_applicant_q(user))
    if Party.PATH in parties and roles:
        parts.append(_officer_q(set(roles)))
    else:
        desks = {pk for pk, held in roles.items() if Role.ONE_STOP_OFFICER in held}
        if Party.DESK in parties and desks:
            parts.append(~Q(status=DossierStatus.DRAFT) & Q(receiving_agency_id__in=desks))
        led = {pk for pk, held in roles.items() if Role.LEADER in held}
        if Party.LEADER in parties and led:
            parts.append(_officer_q(led))
    if not parts:
        return None
    found = parts[0]
    for part in parts[1:]:
        found |= part
    return found


ANY_PARTY = frozenset(Party)


def dossiers_visible_to(*, user: Any, parties: frozenset[Party] = ANY_PARTY) -> QuerySet[Dossier]:
    """The dossiers `user` may see, the queryset form of `dossier_access(...).sees`. With
    `parties`, only those the user sees as one of them (the applicant's pages: APPLICANT; the
    desk's: {Party.DESK}; the officers': OFFICER)."""
    condition = _visible_q(user, parties)
    if condition is None:
        return Dossier.objects.none()
    return Dossier.objects.filter(condition)


def dossier_get_visible(
    *,
    user: Any,
    pk: int,
    parties: frozenset[Party] = ANY_PARTY,
    related: tuple[str, ...] = (),
) -> Dossier:
    """One dossier the user may see (as one of `parties`); Dossier.DoesNotExist otherwise
    (views: 404, so that whether it exists is not told)."""
    dossiers = dossiers_visible_to(user=user, parties=parties)
    if related:
        dossiers = dossiers.select_related(*related)
    return dossiers.get(pk=pk)


def result_files_for(*, user: Any, dossier: Dossier) -> QuerySet[ResultFile]:
    """The dossier's result documents the user may download, oldest first: for its applicant
    none before the result is out and never one sent back; for its officers all."""
    permitted = dossier_access(user=user, dossier=dossier)
    results = ResultFile.objects.filter(dossier_id=dossier.pk).order_by("uploaded_at", "id")
    if permitted.sees_withdrawn_results:
        return results
    if permitted.may_download(FileKind.RESULT):
        return results.filter(withdrawn_at__isnull=True)
    return results.none()


def dossier_may_download(*, user: Any, dossier: Dossier, kind: FileKind, file: Any = None) -> bool:
    """Whether `user` may download the dossier's file of `kind` (`file`: the ResultFile row,
    whose withdrawal matters)."""
    withdrawn = getattr(file, "withdrawn_at", None) is not None
    return dossier_access(user=user, dossier=dossier).may_download(kind, withdrawn=withdrawn)


# --- The public and the paper's holder. ------------------------------------------------------


def dossiers_with_public_status(*, code: str) -> QuerySet[Dossier]:
    """The dossier whose status anyone may look up by its code: every filed one. A code is
    issued only at receipt, so a draft never matches, and no further condition is needed (the
    lookup is the busiest public read: each condition costs its compilation on every request).
    The lookup shows the whitelisted status only (dossiers.selectors.public)."""
    return Dossier.objects.filter(code=code)


def dossier_is_applicant(*, user: Any, dossier: Dossier) -> bool:
    """Its owner's or submitter's account, signed in: what the applicant's own actions (edit,
    withdraw, rate, resubmit) need, read from the dossier row alone (no query)."""
    return _signed_in(user) and user.pk in (dossier.owner_account_id, dossier.submitter_account_id)


def dossier_may_rate(*, user: Any, dossier: Dossier, token: str = "") -> bool:
    """The dossier's applicant (signed in), or whoever holds the paper's QR token: rating only,
    nothing else of the dossier."""
    if dossier_is_applicant(user=user, dossier=dossier):
        return True
    return bool(token) and bool(dossier.code) and rating_token_valid(dossier.code, token)


# --- The register: a desk's list of the dossiers it received, with owners' names. -----------


def register_agencies(*, user: Any) -> QuerySet[Agency]:
    """The receiving agencies whose register the user may print: those where they are a
    one-stop officer or a leader now. Nobody else: administrators, province-wide or not,
    have no right to the owners' names it lists (decision 0009)."""
    agencies = Agency.objects.filter(receives_dossiers=True).order_by("name", "pk")
    if not _signed_in(user):
        return agencies.none()
    own = {agency for agency, role in user.active_roles() if role in REGISTER_ROLES}
    return agencies.filter(pk__in=own)
