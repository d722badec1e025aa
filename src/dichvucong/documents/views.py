from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dichvucong.core.audit import log_access
from dichvucong.core.errors import ServiceError
from dichvucong.core.ids import id_from_text
from dichvucong.dossiers import access

from .control_slip import control_slip_dossier, control_slip_open
from .forms import RegisterForm
from .models import DocumentKind
from .register import (
    register_form,
    register_pdf,
    register_size_check,
    register_xlsx,
)
from .selectors import document_current, dossier_get_for_document
from .services import document_render

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
def dossier_document(
    request: HttpRequest, kind: str, code: str | None = None, pk: int | None = None
) -> FileResponse:
    """A dossier's form as a PDF, for whoever dossiers.access lets download that kind (its
    applicant, the officers of the agencies on its path).

    Anyone else gets 404, whether or not the dossier exists.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if kind not in DocumentKind.values:
        raise Http404
    dossier = dossier_get_for_document(user=request.user, kind=kind, code=code, pk=pk)
    if dossier is None:
        raise Http404
    document = document_current(dossier=dossier, kind=kind)
    if document is None:
        try:
            document = document_render(dossier_id=dossier.pk, kind=kind)
        except ServiceError:
            raise Http404 from None  # this form does not apply to the dossier (yet)
    log_access(action="document.download", instance=document, actor=request.user)
    filename = f"mau-{document.form_number}-{dossier.code or dossier.pk}.pdf"
    return FileResponse(document.file.open("rb"), content_type="application/pdf", filename=filename)


@require_GET
def control_slip(request: HttpRequest, pk: int) -> FileResponse:
    """The dossier's process control slip as of its latest history row (stored, rendered again
    only after a transition): for whoever dossiers.access lets download it; 404 for anyone
    else."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    dossier = control_slip_dossier(user=request.user, pk=pk)
    if dossier is None:
        raise Http404
    slip_file = control_slip_open(dossier=dossier)
    log_access(action="document.control_slip", instance=dossier, actor=request.user)
    return FileResponse(
        slip_file,
        content_type="application/pdf",
        filename=f"phieu-kiem-soat-{dossier.code}.pdf",
    )


@require_GET
def register(request: HttpRequest) -> HttpResponse:
    """The tracking register of a receiving agency over a period, as PDF or XLSX; the form page
    when a parameter is missing or wrong. For the agency's one-stop officers and leaders only
    (dossiers.access.register_agencies: it lists owners' names)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    agencies = access.register_agencies(user=request.user)
    asked = id_from_text(request.GET.get("agency"))
    if not agencies.exists() or (asked is not None and not agencies.filter(pk=asked).exists()):
        raise PermissionDenied
    form = RegisterForm(request.GET or None, agencies=agencies, initial={"format": "pdf"})
    if form.is_bound and form.is_valid():
        agency, start, end = (
            form.cleaned_data["agency"],
            form.cleaned_data["from"],
            form.cleaned_data["to"],
        )
        file_format = form.cleaned_data["format"]
        try:
            register_form(date_to=end)
            register_size_check(
                agency=agency, date_from=start, date_to=end, file_format=file_format
            )
        except ServiceError as error:
            form.add_error("to", error.message)
        else:
            return _register_file(request, file_format, agency, start, end)
    return render(request, "documents/register_page.html", {"form": form})


def _register_file(request, file_format, agency, start, end) -> HttpResponse:
    if file_format == "xlsx":
        content, content_type = register_xlsx(agency=agency, date_from=start, date_to=end), XLSX
    else:
        content = register_pdf(agency=agency, date_from=start, date_to=end)
        content_type = "application/pdf"
    log_access(action="document.register", instance=agency, actor=request.user)
    response = HttpResponse(content, content_type=content_type)
    filename = f"so-theo-doi-{agency.code}-{start:%Y%m%d}-{end:%Y%m%d}.{file_format}"
    disposition = "inline" if file_format == "pdf" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
