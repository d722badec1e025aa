"""Writes of the feedback app: the applicant's rating of a dossier's service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dichvucong.core.audit import audit_change, snapshot
from dichvucong.core.errors import ServiceError
from dichvucong.dossiers.models import Dossier

from .constants import COMMENT_MAX_LENGTH, RatingVia, Satisfaction
from .models import Rating


class AlreadyRated(ServiceError):
    default_code = "already_rated"


def _level(value: Any, field: str) -> str:
    if value not in Satisfaction.values:
        raise ServiceError(
            _("Choose one of: very satisfied, satisfied, dissatisfied."),
            field=field,
            code="required" if not value else "invalid_choice",
        )
    return value


def rating_submit(
    *,
    dossier: Dossier,
    convenience: str,
    overall: str,
    comment: str = "",
    via: str,
    actor: Any = None,
    at: dt.datetime | None = None,
) -> Rating:
    """Record the one rating of a received dossier (domain.md §2.4, R12), audited.

    Refuses a dossier that has no code yet (not received: nothing to rate) and a second rating;
    the one-to-one column also refuses a race between two submissions.
    `actor`: the signed-in applicant, or None for the paper's holder (via the QR code).
    """
    at = at or timezone.now()
    convenience = _level(convenience, "convenience")
    overall = _level(overall, "overall")
    if via not in RatingVia.values:
        raise ValueError(f"Unknown rating channel {via!r}")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ServiceError(
            _("The comment may have at most %(limit)d characters.") % {"limit": COMMENT_MAX_LENGTH},
            field="comment",
            code="max_length",
        )
    if not dossier.code:
        raise ServiceError(
            _("This dossier has not been received yet, so it cannot be rated."),
            code="not_received",
        )
    rated_by = actor if getattr(actor, "is_authenticated", False) else None
    agency = dossier.processing_agency or dossier.receiving_agency
    try:
        with transaction.atomic():
            # The dossier's row serialises two submissions of the same rating.
            Dossier.objects.select_for_update().only("pk").get(pk=dossier.pk)
            if Rating.objects.filter(dossier_id=dossier.pk).exists():
                raise AlreadyRated(_("This dossier has already been rated. Thank you."))
            rating = Rating(
                dossier=dossier,
                agency=agency,
                convenience=convenience,
                overall=overall,
                comment=comment,
                rated_at=at,
                rated_by=rated_by,
                via=via,
            )
            rating.full_clean(validate_unique=False)
            rating.save(force_insert=True)
            audit_change(
                action="feedback.rating.create",
                instance=rating,
                before=None,
                after=snapshot(rating),
                scope=agency.code,
                actor=actor,
            )
    except IntegrityError:
        raise AlreadyRated(_("This dossier has already been rated. Thank you.")) from None
    return rating
