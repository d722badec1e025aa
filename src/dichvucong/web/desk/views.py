"""The one-stop desk's pages under /mot-cua/: the queue, a dossier, receive / request a
supplement / refuse, the receipt page, and filing a paper or postal dossier.

Thin: each view checks that the user works at a desk, finds the dossier among their desks'
dossiers (404 for any other), calls one workflow service and shapes the answer. Every view of a
dossier goes to the access log.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dichvucong.catalog import formdefs
from dichvucong.core.audit import log_access
from dichvucong.core.errors import ServiceError
from dichvucong.documents.selectors import documents_issued
from dichvucong.dossiers import access
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.selectors.desk import (
    desk_agencies,
    desk_agency_ids,
    desk_and_version,
    desk_versions,
    dossier_get_for_desk,
    dossier_queue_for_desk,
    dossier_record_for_desk,
)
from dichvucong.workflow.engine import ActorNotAllowed
from dichvucong.workflow.intake import (
    OWNER_FIELDS,
    SUBMITTER_FIELDS,
    dossier_file_at_desk,
    dossier_receive,
    dossier_refuse,
    dossier_request_supplement,
)
from dichvucong.workflow.processing import dossier_stop
from dichvucong.workflow.selectors import desk_followups

from .forms import (
    PaperDossierForm,
    PaperStartForm,
    QueueFilterForm,
    ReceiveForm,
    RefuseForm,
    StopForm,
    SupplementForm,
)


def _desk_ids(request) -> frozenset[int]:
    ids = desk_agency_ids(user=request.user)
    if not ids:
        raise PermissionDenied(_("Only one-stop desk officers may open these pages."))
    return ids


def _dossier(request, pk: int) -> Dossier:
    try:
        return dossier_get_for_desk(user=request.user, pk=pk)
    except Dossier.DoesNotExist:
        _desk_ids(request)  # not a desk officer at all: 403
        raise Http404(_("No dossier with this number was filed at your desk.")) from None


def _refusal_to_form(form, error: ServiceError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def _document_url(dossier: Dossier, kind: str) -> str | None:
    """The printable PDF of the dossier's document of this kind; None before it has a code."""
    if not dossier.code:
        return None
    return reverse("documents:dossier-document", kwargs={"code": dossier.code, "kind": kind})


@login_required
@require_GET
def queue(request):
    ids = _desk_ids(request)
    versions = list(desk_versions(agency_ids=ids))
    form = QueueFilterForm(request.GET or None, versions=versions)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = dossier_queue_for_desk(
        user=request.user,
        version_id=filters.get("version"),
        channel=filters.get("channel", ""),
        submitted_from=filters.get("submitted_from"),
        submitted_to=filters.get("submitted_to"),
        search=filters.get("q", ""),
        after=request.GET.get("sau"),
    )
    query = request.GET.copy()
    query.pop("sau", None)
    return render(
        request,
        "web/desk/queue.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "followups": desk_followups(user=request.user),
        },
    )


def _detail_context(request, dossier: Dossier, **forms) -> dict:
    permitted = access.dossier_access(user=request.user, dossier=dossier)
    context = {
        "dossier": dossier,
        "answers": formdefs.answers_display(dossier.version, dossier.answers or {}),
        **vars(dossier_record_for_desk(dossier=dossier)),
        "can_act": dossier.awaits_reception and permitted.may(access.Action.RECEIVE),
        # Withdrawn before receipt: the desk closes it (after receipt the leader does).
        "can_stop": dossier.withdrawn_before_receipt and permitted.may(access.Action.STOP),
        "issued_documents": documents_issued(dossier=dossier),
    }
    if context["can_act"]:
        context["receive_form"] = forms.get("receive_form") or ReceiveForm(version=dossier.version)
        context["supplement_form"] = forms.get("supplement_form") or SupplementForm(
            version=dossier.version
        )
        context["refuse_form"] = forms.get("refuse_form") or RefuseForm()
    if context["can_stop"]:
        context["stop_form"] = forms.get("stop_form") or StopForm()
    return context


def _render_detail(request, dossier: Dossier, status: int = 200, **forms):
    log_access(action="dossier.view_desk", instance=dossier)
    return render(
        request, "web/desk/dossier.html", _detail_context(request, dossier, **forms), status=status
    )


@login_required
@require_GET
def dossier_detail(request, pk: int):
    return _render_detail(request, _dossier(request, pk))


@login_required
@require_POST
def dossier_receive_view(request, pk: int):
    dossier = _dossier(request, pk)
    form = ReceiveForm(request.POST, version=dossier.version)
    if form.is_valid():
        try:
            dossier_receive(
                dossier=dossier,
                actor=request.user,
                time_option=form.cleaned_data["time_option"],
                fee_amount=form.cleaned_data["fee_amount"],
                fee_receipt_number=form.cleaned_data["fee_receipt_number"],
            )
        except ServiceError as error:
            _refusal_to_form(form, error)
        else:
            return redirect("web:desk-received", pk=dossier.pk)
    return _render_detail(request, dossier, status=400, receive_form=form)


@login_required
@require_POST
def dossier_supplement_view(request, pk: int):
    dossier = _dossier(request, pk)
    form = SupplementForm(request.POST, version=dossier.version)
    if form.is_valid():
        try:
            dossier_request_supplement(
                dossier=dossier,
                actor=request.user,
                components=form.cleaned_data["components"],
                reason=form.cleaned_data["reason"],
                exception_reason=form.cleaned_data["exception_reason"],
            )
        except ServiceError as error:
            _refusal_to_form(form, error)
        else:
            messages.success(request, _("The supplement request was sent to the applicant."))
            return redirect("web:desk-dossier", pk=dossier.pk)
    return _render_detail(request, dossier, status=400, supplement_form=form)


@login_required
@require_POST
def dossier_refuse_view(request, pk: int):
    dossier = _dossier(request, pk)
    form = RefuseForm(request.POST)
    if form.is_valid():
        try:
            dossier_refuse(dossier=dossier, actor=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            _refusal_to_form(form, error)
        else:
            messages.success(request, _("The dossier was refused; the applicant is told why."))
            return redirect("web:desk-dossier", pk=dossier.pk)
    return _render_detail(request, dossier, status=400, refuse_form=form)


@login_required
@require_POST
def dossier_stop_view(request, pk: int):
    dossier = _dossier(request, pk)
    form = StopForm(request.POST)
    if form.is_valid():
        try:
            dossier_stop(dossier=dossier, actor=request.user, reason=form.cleaned_data["reason"])
        except ActorNotAllowed:
            raise  # a PermissionDenied: the 403 page
        except ServiceError as error:
            _refusal_to_form(form, error)
        else:
            messages.success(request, _("The withdrawn dossier is closed."))
            return redirect("web:desk-dossier", pk=dossier.pk)
    return _render_detail(request, dossier, status=400, stop_form=form)


@login_required
@require_GET
def dossier_received(request, pk: int):
    dossier = _dossier(request, pk)
    if dossier.code is None:
        return redirect("web:desk-dossier", pk=dossier.pk)
    log_access(action="dossier.view_desk", instance=dossier)
    return render(
        request,
        "web/desk/received.html",
        {"dossier": dossier, "receipt_url": _document_url(dossier, "receipt")},
    )


@login_required
@require_GET
def paper_start(request):
    ids = _desk_ids(request)
    form = PaperStartForm(
        request.GET or None,
        agencies=desk_agencies(user=request.user),
        versions=desk_versions(agency_ids=ids),
    )
    if form.is_bound and form.is_valid():
        return redirect(
            "web:desk-paper-file",
            agency_pk=form.cleaned_data["agency"].pk,
            version_pk=form.cleaned_data["version"].pk,
        )
    return render(request, "web/desk/paper_start.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def paper_file(request, agency_pk: int, version_pk: int):
    ids = _desk_ids(request)
    if agency_pk not in ids:
        raise Http404(_("You do not work at this desk."))
    agency, version = desk_and_version(
        user=request.user, agency_pk=agency_pk, version_pk=version_pk
    )
    if agency is None or version is None:
        raise Http404(_("This desk does not receive dossiers of this procedure."))
    form = PaperDossierForm(request.POST or None, request.FILES or None, version=version)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dossier = dossier_file_at_desk(
                version=version,
                receiving_agency=agency,
                actor=request.user,
                channel=data["channel"],
                owner=form.party("owner", OWNER_FIELDS),
                submitter=form.party(
                    "submitter", [n for n in SUBMITTER_FIELDS if f"submitter_{n}" in form.fields]
                ),
                summary=data["summary"],
                files=form.files_by_component(),
                time_option=data["time_option"],
                result_delivery=data["result_delivery"],
                delivery_address=data["delivery_address"],
                fee_amount=data["fee_amount"],
                fee_receipt_number=data["fee_receipt_number"],
            )
        except ServiceError as error:
            _refusal_to_form(form, error)
        else:
            return redirect("web:desk-received", pk=dossier.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "web/desk/paper_file.html",
        {"form": form, "agency": agency, "version": version},
        status=status,
    )
