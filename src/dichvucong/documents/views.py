from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from dichvucong.core.audit import log_access
from dichvucong.core.errors import ServiceError

from .models import DocumentKind
from .selectors import document_current, dossier_get_for_document
from .services import document_render


@require_GET
def dossier_document(
    request: HttpRequest, kind: str, code: str | None = None, pk: int | None = None
) -> FileResponse:
    """A dossier's form as a PDF, for its applicant and the officers of its agencies.

    Anyone else gets 404, whether or not the dossier exists.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if kind not in DocumentKind.values:
        raise Http404
    dossier = dossier_get_for_document(user=request.user, code=code, pk=pk)
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
