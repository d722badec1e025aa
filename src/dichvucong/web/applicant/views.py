"""The applicant's pages: start a dossier, fill it, attach files, review, submit, follow it.

Thin: each view parses the request, finds the applicant's own dossier (404 for anyone else's),
calls one service and shapes the answer. Refusals come back as ServiceError messages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dichvucong.catalog import formdefs
from dichvucong.catalog.models import OnlineLevel
from dichvucong.catalog.selectors import procedure_get_public
from dichvucong.core.errors import ServiceError
from dichvucong.documents.formatting import rating_path
from dichvucong.documents.selectors import documents_issued
from dichvucong.dossiers import services
from dichvucong.dossiers.models import Attachment, Dossier
from dichvucong.dossiers.selectors.applicant import (
    apology_latest,
    attachment_of_dossier,
    attachments_current,
    component_of_dossier,
    desk_default,
    desks_for_version,
    dossier_get_for_applicant,
    dossier_list_for_applicant,
    dossier_timeline_for_applicant,
    result_files_for_applicant,
    supplement_open,
)
from dichvucong.dossiers.selectors.files import attachment_for_download, result_file_for_download
from dichvucong.feedback.selectors import rating_for_dossier
from dichvucong.web.files import private_file_response
from dichvucong.workflow import processing
from dichvucong.workflow.applicant import (
    dossier_problems,
    dossier_resubmit,
    dossier_submit,
    withdrawal_open,
)

from .forms import DeliveryForm, DeskForm, OwnerForm, UploadForm, WithdrawalForm


def _own(request, pk: int) -> Dossier:
    try:
        return dossier_get_for_applicant(user=request.user, pk=pk)
    except Dossier.DoesNotExist:
        raise Http404(_("You have no dossier with this number.")) from None


def _editable_draft(request, pk: int) -> Dossier:
    dossier = _own(request, pk)
    if not dossier.is_draft:
        raise Http404(_("This dossier has been submitted and can no longer be changed."))
    return dossier


@login_required
@require_GET
def dossier_list(request):
    dossiers = dossier_list_for_applicant(user=request.user)
    return render(request, "web/applicant/list.html", {"dossiers": dossiers})


@login_required
@require_http_methods(["GET", "POST"])
def dossier_start(request, local_code: str):
    version = procedure_get_public(local_code=local_code)
    if version is None or not version.accepts_online_dossiers:
        raise Http404(_("This procedure cannot be submitted online."))
    agencies = desks_for_version(version=version)
    if request.method == "POST":
        form = DeskForm(request.POST, agencies=agencies)
        if form.is_valid():
            try:
                dossier = services.dossier_create_draft(
                    version=version,
                    receiving_agency=form.cleaned_data["receiving_agency"],
                    actor=request.user,
                )
            except ServiceError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your draft is saved. You can come back to it later."))
                return redirect("web:dossier-form", pk=dossier.pk)
    else:
        desk = desk_default(desks=list(agencies), user=request.user)
        form = DeskForm(initial={"receiving_agency": desk.pk if desk else None}, agencies=agencies)
    return render(
        request, "web/applicant/start.html", {"version": version, "form": form, "desks": agencies}
    )


def _sections(form):
    return [(title, [form[name] for name in names]) for title, names in form.sections]


@login_required
@require_http_methods(["GET", "POST"])
def dossier_form(request, pk: int):
    dossier = _editable_draft(request, pk)
    version = dossier.version
    owner_initial = {
        "on_behalf": dossier.owner_account_id != request.user.pk,
        **{name: getattr(dossier, name) for name in OwnerForm.base_fields if name != "on_behalf"},
    }
    if request.method == "POST":
        form = formdefs.form_for_version(version, data=request.POST)
        owner_form = OwnerForm(request.POST, prefix="owner")
        if form.is_valid() and owner_form.is_valid():
            owner = dict(owner_form.cleaned_data)
            on_behalf = owner.pop("on_behalf")
            if not on_behalf:
                user = request.user
                owner = {
                    "owner_kind": user.kind,
                    "owner_name": user.full_name,
                    "owner_id_number": user.id_number,
                    "owner_phone": user.phone,
                    "owner_address": user.address,
                }
            try:
                services.dossier_answers_update(
                    dossier=dossier,
                    actor=request.user,
                    answers=formdefs.answers_to_json(form),
                    owner=owner,
                )
            except ServiceError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your answers are saved."))
                return redirect("web:dossier-files", pk=dossier.pk)
    else:
        form = formdefs.form_for_version(version, initial=dossier.answers)
        owner_form = OwnerForm(initial=owner_initial, prefix="owner")
    return render(
        request,
        "web/applicant/form.html",
        {
            "dossier": dossier,
            "form": form,
            "sections": _sections(form),
            "owner_form": owner_form,
            "step": "form",
        },
    )


def _slots(dossier: Dossier, editable_components: set[int] | None = None):
    """Each file slot with its current files (and whether the applicant may change it now)."""
    current: dict[int | None, list[Attachment]] = {}
    for attachment in attachments_current(dossier=dossier):
        current.setdefault(attachment.component_id, []).append(attachment)
    slots = []
    for component, label, required in formdefs.file_slots(dossier.version):
        slots.append(
            {
                "component": component,
                "label": label,
                "required": required,
                "files": current.get(component.pk, []),
                "editable": editable_components is None or component.pk in editable_components,
            }
        )
    return slots, current.get(None, [])


@login_required
@require_http_methods(["GET", "POST"])
def dossier_files(request, pk: int):
    dossier = _own(request, pk)
    request_open = supplement_open(dossier=dossier)
    if not dossier.is_draft and request_open is None:
        raise Http404(_("This dossier has been submitted and can no longer be changed."))
    editable = (
        {component.pk for component in request_open.components.all()} if request_open else None
    )
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            key = form.cleaned_data["component"]
            component = None
            if key != "template":
                component = component_of_dossier(dossier=dossier, key=key)
                if component is None:
                    raise Http404(_("This component is not part of the procedure."))
            uploads = request.FILES.getlist("upload")
            try:
                for upload in uploads:
                    services.attachment_add(
                        dossier=dossier, component=component, upload=upload, actor=request.user
                    )
            except ServiceError as error:
                messages.error(
                    request,
                    _("“%(name)s” was not attached: %(reason)s")
                    % {"name": services.display_name(upload.name or ""), "reason": error.message},
                )
            else:
                messages.success(request, _("The file is attached."))
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        target = reverse("web:dossier-files", args=[dossier.pk])
        if request.headers.get("X-Requested-With") == "XMLHttpRequest":
            # The upload script navigates itself: a redirect it followed in the background
            # would show (and so use up) the message on a page nobody sees.
            response = HttpResponse(status=204)
            response["X-Location"] = target
            return response
        # Post/redirect/get.
        return redirect(target)
    slots, template_files = _slots(dossier, editable)
    return render(
        request,
        "web/applicant/files.html",
        {
            "dossier": dossier,
            "slots": slots,
            "template_files": template_files,
            "allows_template": formdefs.allows_template_upload(dossier.version)
            and request_open is None,
            "supplement": request_open,
            "max_file_bytes": services.max_file_bytes(),
            "max_dossier_bytes": services.max_dossier_bytes(),
            "step": "files",
        },
    )


@login_required
@require_POST
def dossier_file_remove(request, pk: int, attachment_pk: int):
    dossier = _own(request, pk)
    attachment = attachment_of_dossier(dossier=dossier, pk=attachment_pk)
    if attachment is None:
        raise Http404
    try:
        services.attachment_remove(attachment=attachment, actor=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The file is removed."))
    return redirect("web:dossier-files", pk=dossier.pk)


@login_required
@require_http_methods(["GET", "POST"])
def dossier_delivery(request, pk: int):
    dossier = _editable_draft(request, pk)
    full_online = dossier.version.online_level >= OnlineLevel.FULL
    if request.method == "POST":
        form = DeliveryForm(request.POST, full_online=full_online)
        if form.is_valid():
            try:
                services.dossier_result_delivery_set(
                    dossier=dossier,
                    actor=request.user,
                    delivery=form.cleaned_data["delivery"],
                    address=form.cleaned_data["address"],
                )
            except ServiceError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                return redirect("web:dossier-review", pk=dossier.pk)
    else:
        form = DeliveryForm(
            initial={"delivery": dossier.result_delivery, "address": dossier.delivery_address},
            full_online=full_online,
        )
    return render(
        request,
        "web/applicant/delivery.html",
        {"dossier": dossier, "form": form, "step": "delivery"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def dossier_review(request, pk: int):
    dossier = _editable_draft(request, pk)
    if request.method == "POST":
        try:
            dossier_submit(dossier=dossier, actor=request.user)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            return redirect("web:dossier-submitted", pk=dossier.pk)
    slots, template_files = _slots(dossier)
    return render(
        request,
        "web/applicant/review.html",
        {
            "dossier": dossier,
            "answers": formdefs.answers_display(dossier.version, dossier.answers),
            "slots": slots,
            "template_files": template_files,
            "problems": dossier_problems(dossier),
            "step": "review",
        },
    )


@login_required
@require_GET
def dossier_submitted(request, pk: int):
    dossier = _own(request, pk)
    if dossier.is_draft:
        return redirect("web:dossier-review", pk=dossier.pk)
    return render(request, "web/applicant/submitted.html", {"dossier": dossier})


def _detail_context(request, dossier: Dossier, *, withdrawal_form=None) -> dict:
    slots, template_files = _slots(dossier)
    # _own() found the dossier among the user's: an applicant may always ask to withdraw.
    may_withdraw = withdrawal_open(dossier=dossier)
    return {
        "dossier": dossier,
        "timeline": dossier_timeline_for_applicant(dossier=dossier),
        "answers": formdefs.answers_display(dossier.version, dossier.answers),
        "slots": slots,
        "template_files": template_files,
        "supplement": supplement_open(dossier=dossier),
        "issued_documents": documents_issued(dossier=dossier),
        "apology": apology_latest(dossier=dossier),
        "result_ready": dossier.result_is_out,
        "result_files": list(result_files_for_applicant(user=request.user, dossier=dossier)),
        "withdrawal_form": (withdrawal_form or WithdrawalForm()) if may_withdraw else None,
        "rating": rating_for_dossier(dossier=dossier) if dossier.code else None,
        "rating_link": rating_path(dossier.code) if dossier.code else None,
    }


@login_required
@require_GET
def dossier_detail(request, pk: int):
    dossier = _own(request, pk)
    return render(request, "web/applicant/detail.html", _detail_context(request, dossier))


@login_required
@require_POST
def dossier_withdraw(request, pk: int):
    """The applicant asks to withdraw the dossier before a result (→ 7); the agency stops it."""
    dossier = _own(request, pk)
    form = WithdrawalForm(request.POST)
    if form.is_valid():
        try:
            processing.withdrawal_request(
                dossier=dossier, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("Your request to withdraw the dossier is sent. The agency will stop it."),
            )
            return redirect("web:dossier-detail", pk=dossier.pk)
    if not withdrawal_open(dossier=dossier):
        messages.error(request, _("This dossier can no longer be withdrawn."))
        return redirect("web:dossier-detail", pk=dossier.pk)
    return render(
        request,
        "web/applicant/detail.html",
        _detail_context(request, dossier, withdrawal_form=form),
        status=400,
    )


@login_required
@require_POST
def dossier_delete(request, pk: int):
    dossier = _own(request, pk)
    try:
        services.dossier_delete_draft(dossier=dossier, actor=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("web:dossier-detail", pk=dossier.pk)
    messages.success(request, _("The draft is deleted."))
    return redirect("web:dossier-list")


@login_required
@require_POST
def dossier_resubmit_view(request, pk: int):
    dossier = _own(request, pk)
    try:
        dossier = dossier_resubmit(dossier=dossier, actor=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("web:dossier-files", pk=dossier.pk)
    if dossier.is_processing:
        messages.success(request, _("Your supplemented dossier is sent back to processing."))
    else:
        messages.success(request, _("Your supplemented dossier is sent to the desk."))
    return redirect("web:dossier-detail", pk=dossier.pk)


@login_required
@require_GET
def attachment_download(request, pk: int):
    attachment = attachment_for_download(user=request.user, pk=pk)
    if attachment is None:
        # Whether the file exists is not told to someone who may not see it.
        raise Http404
    return private_file_response(attachment, action="attachment.download")


@login_required
@require_GET
def result_download(request, pk: int):
    """A result document (the e-result), through the permission check and the access log."""
    result = result_file_for_download(user=request.user, pk=pk)
    if result is None:
        # Whether the document exists is not told to someone who may not see it.
        raise Http404
    return private_file_response(result, action="result.download")
