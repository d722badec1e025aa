"""The rating's vocabulary (domain.md §2.4): the three-level scale of the citizen-facing
questions "Mức độ thuận tiện khi sử dụng dịch vụ" and "Đánh giá tổng thể dịch vụ"."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Satisfaction(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class RatingVia(models.TextChoices):
    WEB = "web", _("Signed in on the portal")
    QR = "qr", _("QR code on the paper")


COMMENT_MAX_LENGTH = 2000
