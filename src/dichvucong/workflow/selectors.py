"""Reads for the officers' pages: the inbox of open steps, one dossier, what the user may do
to it now, the violations list and the leader's apology prompts.

The inbox is the busy read: one (agency, role) pair at a time, so that its query walks the
partial index `dossiers_step_inbox` (agency, role, due_at, id WHERE finished_at IS NULL) in
order and stops after one page (keyset pagination, never a count).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from dichvucong.accounts.models import Membership
from dichvucong.accounts.permissions import OFFICER_ROLES
from dichvucong.catalog.cache import catalogue_generation
from dichvucong.catalog.models import ProcedureVersion, ProcessRole, VersionStatus
from dichvucong.core.keyset import keyset_after, keyset_page
from dichvucong.core.text import Fold, fold
from dichvucong.dossiers import access
from dichvucong.dossiers.constants import DossierStatus, ResultDelivery
from dichvucong.dossiers.models import Apology, Dossier, DossierStep

from .processing import UNFINISHED
from .steps import holds_role, neighbour

Role = Membership.Role

INBOX_PAGE_SIZE = 25
INBOX_PROCEDURES_TTL = 15 * 60  # a backstop: the catalogue's generation retires it first
SCOPES = ("mine", "unassigned", "all")
DUE_FILTERS = ("soon", "overdue")
# The roles in the order the switcher lists them (the desk first, as a dossier goes).
_ROLE_ORDER = {Role.ONE_STOP_OFFICER: 0, Role.SPECIALIST: 1, Role.LEADER: 2}

# What the inbox table shows, read as plain values (no model instances to build).
INBOX_COLUMNS = {
    "step_id": "id",
    "dossier_id": "dossier_id",
    "code": "dossier__code",
    "status": "dossier__status",
    "owner_name": "dossier__owner_name",
    "procedure": "dossier__version__name",
    "step_name": "name",
    "agency_name": "agency__name",
    "assignee_name": "assignee__full_name",
    "assignee_email": "assignee__email",
    "started_at": "started_at",
    "due_at": "due_at",
    "warn_at": "warn_at",
}


def due_mark(*, due_at: dt.datetime | None, warn_at: dt.datetime | None, now: dt.datetime) -> str:
    """ "overdue" once the due time has passed, "soon" from the warning time, else ""."""
    if due_at is None:
        return ""
    if due_at < now:
        return "overdue"
    if warn_at is not None and warn_at <= now:
        return "soon"
    return ""


# --- The inbox -----------------------------------------------------------------------------


def officer_pairs(*, user: Any) -> list[tuple[int, str]]:
    """The (agency id, role) pairs whose steps the user sees today, in a stable order: those of
    the officer roles they hold, and every role's at the agencies they lead (to assign)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    held = {(agency, role) for agency, role in user.active_roles() if role in OFFICER_ROLES}
    pairs = held | {
        (agency, role) for agency, own in held if own == Role.LEADER for role in _ROLE_ORDER
    }
    # The roles held first: the inbox opens on the first pair.
    return sorted(pairs, key=lambda pair: (pair not in held, pair[0], _ROLE_ORDER[pair[1]]))


@dataclass(frozen=True)
class InboxRow:
    """One open step as the inbox shows it."""

    step_id: int
    dossier_id: int
    code: str | None
    status: str
    owner_name: str
    procedure: str
    step_name: str
    agency_name: str
    assignee_name: str | None
    assignee_email: str | None
    started_at: dt.datetime
    due_at: dt.datetime
    warn_at: dt.datetime
    mark: str  # "overdue", "soon" or ""

    @property
    def status_label(self) -> str:
        return DossierStatus(self.status).label

    @property
    def assignee(self) -> str:
        return self.assignee_name or self.assignee_email or ""

    # Local times as the table prints them: strftime costs a fraction of the date filter,
    # which the busiest page would call fifty times.
    @property
    def due_text(self) -> str:
        return timezone.localtime(self.due_at).strftime("%H:%M %d/%m/%Y")

    @property
    def started_text(self) -> str:
        return timezone.localtime(self.started_at).strftime("%H:%M %d/%m/%Y")


@dataclass(frozen=True)
class InboxPage:
    rows: list[InboxRow]
    next_cursor: str | None
    agency_id: int | None
    role: str | None
    scope: str
    # Whether the user may see all of the agency's steps (a leader there: to assign them).
    may_see_all: bool = False
    pairs: list[tuple[int, str]] = field(default_factory=list)


def choose_pair(
    pairs: list[tuple[int, str]], agency_id: int | None, role: str | None
) -> tuple[int, str] | None:
    """The pair asked for when the user holds it, else the first one (None: no officer)."""
    if not pairs:
        return None
    for pair in pairs:
        if (agency_id is None or pair[0] == agency_id) and (role is None or pair[1] == role):
            return pair
    return pairs[0]


def inbox(
    *,
    user: Any,
    agency_id: int | None = None,
    role: str | None = None,
    scope: str = "mine",
    due: str | None = None,
    procedure_id: int | None = None,
    q: str = "",
    after: str | None = None,
    limit: int = INBOX_PAGE_SIZE,
    now: dt.datetime | None = None,
) -> InboxPage:
    """The open steps at one of the user's (agency, role) pairs, due soonest first, one page.

    `scope`: "mine" (assigned to the user or to nobody), "unassigned", or "all" (a leader of
    the agency sees colleagues' steps too, to reassign them; anyone else gets "mine").
    `due`: "soon" (warn_at <= now < due_at) or "overdue" (due_at < now). `q`: the start of a
    dossier code (when it has a digit), else part of the owner's name. `after`: the cursor of the previous page.
    """
    now = now or timezone.now()
    pairs = officer_pairs(user=user)
    chosen = choose_pair(pairs, agency_id, role)
    if chosen is None:
        return InboxPage(rows=[], next_cursor=None, agency_id=None, role=None, scope="mine")
    agency_id, role = chosen
    may_see_all = (agency_id, Role.LEADER) in pairs
    if scope not in SCOPES or (scope == "all" and not may_see_all):
        scope = "mine"

    steps = DossierStep.objects.filter(finished_at__isnull=True, agency_id=agency_id, role=role)
    if scope == "mine":
        steps = steps.filter(Q(assignee_id=user.pk) | Q(assignee__isnull=True))
    elif scope == "unassigned":
        steps = steps.filter(assignee__isnull=True)
    if due == "overdue":
        steps = steps.filter(due_at__lt=now)
    elif due == "soon":
        steps = steps.filter(warn_at__lte=now, due_at__gte=now)
    if procedure_id:
        steps = steps.filter(dossier__version__procedure_id=procedure_id)
    q = (q or "").strip()
    if q and any(char.isdigit() for char in q):
        # A code (names have no digits): a prefix, served by the code's unique index (its
        # pattern-ops twin on PostgreSQL); OR-ed with the name it could not use the index.
        steps = steps.filter(dossier__code__startswith=q.upper())
    elif folded := fold(q):
        # As officers type names: "nguyen van an" finds "Nguyễn Văn An".
        steps = steps.alias(owner_folded=Fold("dossier__owner_name")).filter(
            owner_folded__contains=folded
        )
    steps = keyset_after(steps, cursor=after, field="due_at")
    names = tuple(INBOX_COLUMNS)
    found, next_cursor = keyset_page(
        [
            dict(zip(names, values, strict=True))
            for values in steps.order_by("due_at", "id").values_list(*INBOX_COLUMNS.values())[
                : limit + 1
            ]
        ],
        limit,
        key=lambda values: (values["due_at"], values["step_id"]),
    )
    rows = [
        InboxRow(
            **values, mark=due_mark(due_at=values["due_at"], warn_at=values["warn_at"], now=now)
        )
        for values in found
    ]
    return InboxPage(
        rows=rows,
        next_cursor=next_cursor,
        agency_id=agency_id,
        role=role,
        scope=scope,
        may_see_all=may_see_all,
        pairs=pairs,
    )


def inbox_procedures(*, agency_id: int) -> list[tuple[int, str]]:
    """(procedure id, name) of the published procedures with a process step at the agency
    (named, or at the receiving desk when the agency receives them): the inbox's filter.

    No index serves this join's OR, and every inbox view shows the list: it is cached per
    agency under the catalogue's generation, which publishing replaces."""
    key = f"workflow:inbox-procedures:{catalogue_generation()}:{agency_id}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    versions = (
        ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .filter(
            Q(process_steps__agency_id=agency_id)
            | Q(process_steps__at_receiving_agency=True, receiving_agencies__id=agency_id)
        )
        .order_by("name", "procedure_id")
        .values_list("procedure_id", "name")
        .distinct()
    )
    seen: dict[int, str] = {}
    for procedure_id, name in versions:
        seen.setdefault(procedure_id, name)
    procedures = list(seen.items())
    cache.set(key, procedures, timeout=INBOX_PROCEDURES_TTL)
    return procedures


# --- One dossier ---------------------------------------------------------------------------


def dossier_for_officer(*, user: Any, pk: int) -> Dossier:
    """A dossier the officer may see (dossiers.access: on one of their agencies' path);
    DoesNotExist otherwise."""
    return access.dossier_get_visible(
        user=user,
        pk=pk,
        parties=access.OFFICER,
        related=(
            "version",
            "version__procedure",
            "version__competent_agency",
            "receiving_agency",
            "processing_agency",
            "rule_set",
            "time_option",
        ),
    )


def dossier_open_step(*, dossier: Dossier) -> DossierStep | None:
    return (
        DossierStep.objects.filter(dossier=dossier, finished_at__isnull=True)
        .select_related("agency", "process_step", "assignee")
        .first()
    )


def officer_actions(
    *, user: Any, dossier: Dossier, step: DossierStep | None, now: dt.datetime | None = None
) -> frozenset[str]:
    """The actions the page offers the user now. The services decide in the end (and refuse
    with their reasons); this only keeps the page from offering what cannot work."""
    now = now or timezone.now()
    status = dossier.status
    actions: set[str] = set()
    processing_agency_id = dossier.processing_agency_id or dossier.receiving_agency_id
    if step is not None and status in (DossierStatus.RECEIVED, DossierStatus.PROCESSING):
        holds = holds_role(user, step.role, step.agency_id)
        mine = holds and step.assignee_id in (None, user.pk)
        if holds and step.assignee_id is None:
            actions.add("take")
        if holds_role(user, Role.LEADER, step.agency_id):
            actions.add("assign")
        if mine:
            following = neighbour(dossier, step, +1)
            leader_step = step.role == ProcessRole.LEADER
            if following is not None and not (leader_step and dossier.result_proposed_at):
                actions.add("forward")
            if status == DossierStatus.PROCESSING:
                if step.process_step.may_return and neighbour(dossier, step, -1) is not None:
                    actions.add("send_back")
                actions.update({"supplement", "fee"})
                if step.role == ProcessRole.SPECIALIST and following is not None:
                    actions.add("propose")
                if leader_step and dossier.result_proposed_at:
                    actions.add("approve")
    if dossier.received_at is not None and status in (
        DossierStatus.PROCESSING,
        DossierStatus.WITHDRAWAL_REQUESTED,
    ):
        stop_agency_id = step.agency_id if step is not None else processing_agency_id
        if holds_role(user, Role.LEADER, stop_agency_id):
            actions.add("stop")
    if (
        status in UNFINISHED
        and dossier.received_at is not None
        and holds_role(user, Role.LEADER, processing_agency_id)
    ):
        actions.add("apology")
    desk_officer = holds_role(user, Role.ONE_STOP_OFFICER, dossier.receiving_agency_id)
    if status == DossierStatus.AWAITING_PAYMENT and desk_officer:
        actions.add("payment")
    if (
        status == DossierStatus.RESOLVED
        and desk_officer
        and dossier.result_delivery != ResultDelivery.ONLINE
    ):
        actions.add("return")
    # Never more than the dossier's access policy allows the user.
    allowed = access.dossier_access(user=user, dossier=dossier).actions
    return frozenset(name for name in actions if PAGE_ACTION_RIGHT[name] in allowed)


# The right (dossiers.access.Action) each action of the officer's page needs.
PAGE_ACTION_RIGHT = {
    "take": access.Action.PROCESS,
    "forward": access.Action.PROCESS,
    "send_back": access.Action.PROCESS,
    "supplement": access.Action.PROCESS,
    "fee": access.Action.PROCESS,
    "propose": access.Action.PROCESS,
    "assign": access.Action.ASSIGN,
    "approve": access.Action.APPROVE,
    "stop": access.Action.STOP,
    "apology": access.Action.APOLOGISE,
    "payment": access.Action.RECORD_PAYMENT,
    "return": access.Action.RETURN_RESULT,
}


# --- Deadlines: violations and apology prompts ---------------------------------------------


VIOLATION_STATUSES_EXCLUDED = (DossierStatus.DRAFT, DossierStatus.SUBMITTED, DossierStatus.REFUSED)


@dataclass(frozen=True)
class ViolationPage:
    dossiers: list[Dossier]
    next_cursor: str | None


def violations(
    *,
    agency_ids: frozenset[int] | None,
    now: dt.datetime | None = None,
    after: str | None = None,
    limit: int = 50,
) -> ViolationPage:
    """Received dossiers whose time ran out — finished (or still open now) after the date they
    were due, or apologised for only after that date — latest due first, one page.

    `agency_ids`: the processing agencies to list (None: the whole province)."""
    now = now or timezone.now()
    late_apology = Apology.objects.filter(
        dossier=OuterRef("pk"), issued_at__gt=F("previous_due_at")
    )
    dossiers = Dossier.objects.filter(received_at__isnull=False, current_due_at__isnull=False)
    if agency_ids is not None:
        dossiers = dossiers.filter(
            Q(processing_agency_id__in=agency_ids)
            | Q(processing_agency__isnull=True, receiving_agency_id__in=agency_ids)
        )
    dossiers = dossiers.filter(
        Q(finished_at__isnull=False, finished_at__gt=F("current_due_at"))
        | Q(finished_at__isnull=True, current_due_at__lt=now)
        | Exists(late_apology)
    )
    dossiers = keyset_after(dossiers, cursor=after, field="current_due_at", descending=True)
    found, next_cursor = keyset_page(
        list(
            dossiers.select_related("version", "processing_agency", "receiving_agency")
            .annotate(late_apology=Exists(late_apology))
            .order_by("-current_due_at", "-id")[: limit + 1]
        ),
        limit,
        key=lambda dossier: (dossier.current_due_at, dossier.pk),
    )
    return ViolationPage(dossiers=found, next_cursor=next_cursor)


def led_agency_ids(*, user: Any) -> frozenset[int]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    return frozenset(agency for agency, role in user.active_roles() if role == Role.LEADER)


def apology_prompts(
    *, user: Any, now: dt.datetime | None = None, limit: int = 20
) -> QuerySet[Dossier] | list[Dossier]:
    """Unfinished dossiers of the agencies the user leads that are due within a working day
    (or overdue) and have no apology yet: the leader is prompted to issue form 04."""
    agency_ids = led_agency_ids(user=user)
    if not agency_ids:
        return []
    now = now or timezone.now()
    return list(
        Dossier.objects.filter(
            finished_at__isnull=True,
            warn_at__isnull=False,
            warn_at__lte=now,
            status__in=UNFINISHED,
        )
        .filter(
            Q(processing_agency_id__in=agency_ids)
            | Q(processing_agency__isnull=True, receiving_agency_id__in=agency_ids)
        )
        .exclude(Exists(Apology.objects.filter(dossier=OuterRef("pk"))))
        .select_related("version")
        .only("id", "code", "status", "owner_name", "current_due_at", "warn_at", "version__name")
        # warn_at order (one working day before the due time) walks the partial index
        # dossiers_open_warn and stops after `limit` rows.
        .order_by("warn_at", "id")[:limit]
    )


# --- The desk: what waits on it besides new dossiers ------------------------------------------


def desk_followups(*, user: Any, limit: int = 50) -> list[Dossier]:
    """Dossiers waiting on the desk's one-stop officer after submission: withdrawn before
    receipt (the desk closes them: stop), or awaiting the fee a processing officer required
    (the desk records the payment). Few at any time: one limited list, oldest first."""
    return list(
        access.dossiers_visible_to(user=user, parties=frozenset({access.Party.DESK}))
        .filter(
            Q(status=DossierStatus.WITHDRAWAL_REQUESTED, received_at__isnull=True)
            | Q(status=DossierStatus.AWAITING_PAYMENT)
        )
        .select_related("version")
        .only(
            "id",
            "code",
            "status",
            "submitted_at",
            "updated_at",
            "owner_name",
            "fee_due_amount",
            "withdrawal_reason",
            "withdrawal_requested_at",
            "version__name",
        )
        .order_by("updated_at", "id")[:limit]
    )
