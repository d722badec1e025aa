"""Satisfaction ratings (đánh giá mức độ hài lòng): one per dossier, from its applicant."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dichvucong.agencies.models import Agency
from dichvucong.dossiers.models import Dossier

from .constants import COMMENT_MAX_LENGTH, RatingVia, Satisfaction


class Rating(models.Model):
    """The applicant's rating of the service a dossier received (domain.md §2.4, R12)."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, related_name="rating", verbose_name=_("dossier")
    )
    # The agency rated: the processing agency when the rating was given (statistics count per
    # agency without walking dossiers).
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    convenience = models.CharField(
        _("convenience of the service"), max_length=16, choices=Satisfaction.choices
    )
    overall = models.CharField(
        _("the service overall"), max_length=16, choices=Satisfaction.choices
    )
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    rated_at = models.DateTimeField(_("rated at"))
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rated by"),
    )
    via = models.CharField(_("rated through"), max_length=4, choices=RatingVia.choices)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-rated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(convenience__in=Satisfaction.values)
                & models.Q(overall__in=Satisfaction.values),
                name="feedback_rating_on_the_scale",
            ),
        ]
        indexes = [models.Index(fields=["agency", "rated_at"], name="feedback_rating_by_agency")]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.get_overall_display()}"
