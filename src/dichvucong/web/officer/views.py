"""The officers' pages under /can-bo/: the inbox of open steps, a dossier with the actions the
user may take now, the files, and the leaders' violations list.

Thin: each view checks that the user is an officer, finds the dossier among those they may see
(404 for any other), calls one workflow service and shapes the answer. A refusal of bad input
comes back at its field with the entered data kept; the wrong person gets a 403. Every view of
a dossier and every file download goes to the access log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from dichvucong.accounts.models import Membership
from dichvucong.agencies.labels import AGENCY_LABELS
from dichvucong.core.audit import log_access
from dichvucong.core.errors import ServiceError
from dichvucong.documents.selectors import documents_issued
from dichvucong.dossiers.models import Dossier, DossierStep
from dichvucong.dossiers.selectors.files import attachment_for_download, result_file_for_download
from dichvucong.dossiers.selectors.officer import dossier_record_for_officer
from dichvucong.web.files import private_file_response
from dichvucong.workflow import processing
from dichvucong.workflow.engine import ActorNotAllowed
from dichvucong.workflow.selectors import (
    INBOX_PAGE_SIZE,
    apology_prompts,
    choose_pair,
    dossier_for_officer,
    dossier_open_step,
    due_mark,
    inbox,
    inbox_procedures,
    led_agency_ids,
    officer_actions,
    officer_pairs,
    violations,
)

from .forms import (
    ApologyForm,
    ApproveForm,
    AssignForm,
    FeeForm,
    ForwardForm,
    InboxFilterForm,
    PaymentForm,
    ProposeForm,
    ReturnForm,
    SendBackForm,
    StopForm,
    SupplementForm,
    TakeForm,
    pair_value,
)

PAGE_SIZE = INBOX_PAGE_SIZE
_LINK_PLACEHOLDER = "2147483647"  # an int the URL pattern accepts, replaced by each row's pk


def _pairs(request) -> list[tuple[int, str]]:
    pairs = officer_pairs(user=request.user)
    if not pairs:
        raise PermissionDenied(_("Only officers may open these pages."))
    return pairs


def _dossier(request, pk: int) -> Dossier:
    try:
        return dossier_for_officer(user=request.user, pk=pk)
    except Dossier.DoesNotExist:
        _pairs(request)  # not an officer at all: 403
        raise Http404(_("No dossier with this number is at your agency.")) from None


# --- The inbox -----------------------------------------------------------------------------


@login_required
@require_GET
def inbox_view(request):
    pairs = _pairs(request)
    agency_names = {
        pk: name
        for pk, (_code, name) in AGENCY_LABELS.get(agency for agency, _role in pairs).items()
    }
    # The pair decides the procedures and whether "all" is offered: read it before the form.
    asked = InboxFilterForm(
        request.GET or None, pairs=pairs, agency_names={}, procedures=[], may_see_all=True
    ).selected_pair()
    agency_id, role = choose_pair(pairs, *asked)
    form = InboxFilterForm(
        request.GET or None,
        pairs=pairs,
        agency_names=agency_names,
        procedures=inbox_procedures(agency_id=agency_id),
        may_see_all=(agency_id, Membership.Role.LEADER) in pairs,
        initial={"pair": pair_value(agency_id, role)},
    )
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = inbox(
        user=request.user,
        agency_id=agency_id,
        role=role,
        scope=filters.get("scope") or "mine",
        due=filters.get("due") or None,
        procedure_id=filters.get("procedure"),
        q=filters.get("q", ""),
        after=request.GET.get("sau"),
        limit=PAGE_SIZE,
    )
    query = request.GET.copy()
    query.pop("sau", None)
    # One reverse() for the page's links rather than one per row (the busiest page).
    link = reverse("web:officer-dossier", args=[_LINK_PLACEHOLDER])
    context = {
        "form": form,
        "page": page,
        "rows": [(row, link.replace(_LINK_PLACEHOLDER, str(row.dossier_id))) for row in page.rows],
        "query": query.urlencode(),
        "agency_name": agency_names.get(page.agency_id, ""),
        "is_leader": bool(led_agency_ids(user=request.user)),
    }
    if request.htmx:
        return render(request, "web/officer/_inbox_table.html", context)
    context["prompts"] = apology_prompts(user=request.user)
    return render(request, "web/officer/inbox.html", context)


# --- One dossier ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One POST action of the dossier page: its form, and the service call it makes."""

    form: Callable[..., Any]
    perform: Callable[[Any, Dossier, DossierStep | None, Any], None]
    done: str
    needs_step: bool = True


def _assign(form, dossier, step, user):
    assignee = form.officers.get(form.cleaned_data["assignee"])
    processing.step_assign(step=form.cleaned_data["step"], actor=user, assignee=assignee)


def _propose(form, dossier, step, user):
    processing.result_propose(
        step=form.cleaned_data["step"],
        actor=user,
        kind=form.cleaned_data["kind"],
        summary=form.cleaned_data["summary"],
        note=form.cleaned_data["note"],
        fee_due=form.cleaned_data["fee_due"],
        files=[
            processing.ResultUpload(title=title, upload=upload, result_code=number)
            for title, upload, number in form.uploads()
        ],
    )


ACTIONS: dict[str, Action] = {
    "take": Action(
        TakeForm,
        lambda form, d, s, user: processing.step_take(step=form.cleaned_data["step"], actor=user),
        gettext_lazy("The dossier is yours now."),
    ),
    "assign": Action(AssignForm, _assign, gettext_lazy("The step is assigned.")),
    "forward": Action(
        ForwardForm,
        lambda form, d, s, user: processing.step_forward(
            step=form.cleaned_data["step"], actor=user, note=form.cleaned_data["note"]
        ),
        gettext_lazy("The dossier was handed on to the next step."),
    ),
    "send_back": Action(
        SendBackForm,
        lambda form, d, s, user: processing.step_send_back(
            step=form.cleaned_data["step"], actor=user, note=form.cleaned_data["note"]
        ),
        gettext_lazy("The dossier was sent back to the previous step."),
    ),
    "supplement": Action(
        SupplementForm,
        lambda form, d, s, user: processing.step_request_supplement(
            step=form.cleaned_data["step"],
            actor=user,
            components=form.cleaned_data["components"],
            reason=form.cleaned_data["reason"],
            exception_reason=form.cleaned_data["exception_reason"],
        ),
        gettext_lazy(
            "The supplement request was sent; the clock stops until the applicant resubmits."
        ),
    ),
    "fee": Action(
        FeeForm,
        lambda form, d, s, user: processing.step_require_fee(
            step=form.cleaned_data["step"], actor=user, amount=form.cleaned_data["amount"]
        ),
        gettext_lazy("The fee is required; the desk records the payment."),
    ),
    "propose": Action(
        ProposeForm, _propose, gettext_lazy("The result was proposed to the leader.")
    ),
    "approve": Action(
        ApproveForm,
        lambda form, d, s, user: processing.result_approve(
            step=form.cleaned_data["step"], actor=user, note=form.cleaned_data["note"]
        ),
        gettext_lazy("The result is approved."),
    ),
    "stop": Action(
        StopForm,
        lambda form, d, s, user: processing.dossier_stop(
            dossier=d, actor=user, reason=form.cleaned_data["reason"]
        ),
        gettext_lazy("Processing of the dossier is stopped."),
        needs_step=False,
    ),
    "apology": Action(
        ApologyForm,
        lambda form, d, s, user: processing.apology_issue(
            dossier=d,
            actor=user,
            reason=form.cleaned_data["reason"],
            new_due_at=form.cleaned_data["new_due_at"],
        ),
        gettext_lazy("The apology with the new date was issued; the applicant is notified."),
        needs_step=False,
    ),
    "payment": Action(
        PaymentForm,
        lambda form, d, s, user: processing.fee_record_payment(
            dossier=d, actor=user, receipt_number=form.cleaned_data["receipt_number"]
        ),
        gettext_lazy("The payment is recorded."),
        needs_step=False,
    ),
    "return": Action(
        ReturnForm,
        lambda form, d, s, user: processing.result_return(
            dossier=d,
            actor=user,
            recipient=form.cleaned_data.get("recipient", ""),
            tracking_number=form.cleaned_data.get("tracking_number", ""),
        ),
        gettext_lazy("The result is recorded as returned."),
        needs_step=False,
    ),
}


def _unbound_form(name: str, dossier: Dossier, step: DossierStep | None):
    initial = {"step": step.pk} if step is not None and ACTIONS[name].needs_step else None
    return ACTIONS[name].form(initial=initial, **_form_kwargs(name, dossier, step))


def _form_kwargs(name: str, dossier: Dossier, step: DossierStep | None) -> dict[str, Any]:
    # One page holds every action's form: ids per action keep the labels unambiguous.
    kwargs: dict[str, Any] = {"auto_id": f"id_{name}_%s"}
    if ACTIONS[name].needs_step:
        kwargs["open_step"] = step  # the only step id the form accepts
    if name == "assign":
        kwargs["officers"] = processing.assignable_officers(step) if step else []
    elif name == "supplement":
        kwargs["version"] = dossier.version
    elif name == "return":
        kwargs["delivery"] = dossier.result_delivery
    return kwargs


def _render_detail(request, dossier: Dossier, *, status: int = 200, bound: dict | None = None):
    bound = bound or {}
    now = timezone.now()
    step = dossier_open_step(dossier=dossier)
    # A refused form stays on the page with its errors, even when the refusal means the
    # action is no longer open to the user (the step moved on meanwhile).
    actions = officer_actions(user=request.user, dossier=dossier, step=step, now=now) | set(bound)
    forms = {
        name: bound.get(name) or _unbound_form(name, dossier, step)
        for name in ACTIONS
        if name in actions or name in bound
    }
    log_access(action="dossier.view_officer", instance=dossier)
    context = {
        "dossier": dossier,
        "step": step,
        "actions": actions,
        "forms": forms,
        "apology_due": bool(dossier.warn_at and dossier.warn_at <= now),
        "due_mark": ""
        if dossier.finished_at
        else due_mark(due_at=dossier.current_due_at, warn_at=dossier.warn_at, now=now),
        **vars(dossier_record_for_officer(dossier=dossier)),
        "issued_documents": documents_issued(dossier=dossier),
    }
    return render(request, "web/officer/dossier.html", context, status=status)


@login_required
@require_GET
def dossier_detail(request, pk: int):
    return _render_detail(request, _dossier(request, pk))


@login_required
@require_POST
def dossier_action(request, pk: int, action: str):
    dossier = _dossier(request, pk)
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    step = dossier_open_step(dossier=dossier)
    form = spec.form(request.POST, request.FILES, **_form_kwargs(action, dossier, step))
    if form.is_valid():
        try:
            spec.perform(form, dossier, step, request.user)
        except ActorNotAllowed:
            raise  # a PermissionDenied: the 403 page
        except ServiceError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
        else:
            messages.success(request, str(spec.done))
            return redirect("web:officer-dossier", pk=dossier.pk)
    dossier.refresh_from_db()
    return _render_detail(request, dossier, status=400, bound={action: form})


# --- Files ---------------------------------------------------------------------------------


@login_required
@require_GET
def attachment_download(request, pk: int, attachment_pk: int):
    """A dossier's file for an officer who may see the dossier (an inter-agency partner too)."""
    dossier = _dossier(request, pk)
    attachment = attachment_for_download(user=request.user, pk=attachment_pk, dossier_id=dossier.pk)
    if attachment is None:
        raise Http404
    return private_file_response(attachment, action="attachment.download_officer")


@login_required
@require_GET
def result_download(request, pk: int, file_pk: int):
    dossier = _dossier(request, pk)
    result = result_file_for_download(user=request.user, pk=file_pk, dossier_id=dossier.pk)
    if result is None:
        raise Http404
    return private_file_response(result, action="result_file.download_officer")


# --- Violations ----------------------------------------------------------------------------


@login_required
@require_GET
def violations_view(request):
    user = request.user
    if user.is_province_admin:
        agency_ids = None
    else:
        agency_ids = led_agency_ids(user=user)
        if not agency_ids:
            raise PermissionDenied(_("Only leaders and province administrators see violations."))
    page = violations(agency_ids=agency_ids, after=request.GET.get("sau"))
    return render(
        request,
        "web/officer/violations.html",
        {"page": page, "province_wide": agency_ids is None},
    )
