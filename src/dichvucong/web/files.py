"""Private files (attachments, result documents) as downloads, after the caller's permission
check: streamed, with a safe Content-Disposition, and the read written to the access log."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from dichvucong.core.audit import log_access


def private_file_response(instance, *, action: str) -> FileResponse:
    """`instance` has `file`, `original_name` and `content_type` (Attachment, ResultFile)."""
    try:
        handle = instance.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("This file is not available.")) from None
    log_access(action=action, instance=instance)
    # FileResponse writes an RFC 6266 Content-Disposition (ASCII fallback and filename*).
    return FileResponse(
        handle,
        as_attachment=True,
        filename=instance.original_name,
        content_type=instance.content_type,
    )
