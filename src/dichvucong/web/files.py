"""Private files (attachments, result documents) as downloads, after the caller's permission
check: streamed, with a safe Content-Disposition, and the read written to the access log."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from dichvucong.core.audit import log_access
from dichvucong.core.filenames import clean_file_name


def private_file_response(instance, *, action: str) -> FileResponse:
    """`instance` has `file`, `original_name` and `content_type` (Attachment, ResultFile)."""
    try:
        handle = instance.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("This file is not available.")) from None
    log_access(action=action, instance=instance)
    # FileResponse writes an RFC 6266 Content-Disposition (ASCII fallback and filename*). The
    # name is cleaned again, with the stored (checked) type's extension: rows kept before names
    # were cleaned at upload must not serve "hoso<RLO>exe.pdf" or a ".html" either.
    extension = instance.stored_name.rpartition(".")[2] or None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=clean_file_name(instance.original_name, extension=extension),
        content_type=instance.content_type,
    )
