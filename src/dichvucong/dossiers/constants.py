"""The dossier's states and channels, with the national portal's vocabulary (domain.md §9)."""

from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from dichvucong.core.money import vnd


class DossierStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RECEIVED = "received", _("Received")
    REFUSED = "refused", _("Refused at intake")
    PROCESSING = "processing", _("Being processed")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    WITHDRAWAL_REQUESTED = "withdrawal_requested", _("Withdrawal requested")
    STOPPED = "stopped", _("Processing stopped")
    RESOLVED = "resolved", _("Resolved")
    RETURNED = "returned", _("Result returned")


# The result reaches the applicant once approved (resolved) or handed over (returned).
RESULT_OUT = frozenset({DossierStatus.RESOLVED, DossierStatus.RETURNED})

# The national portal's status codes (TrangThaiHoSo, domain.md §9); a draft has none.
NATIONAL_STATUS_CODE: dict[str, int] = {
    DossierStatus.SUBMITTED: 1,
    DossierStatus.RECEIVED: 2,
    DossierStatus.REFUSED: 3,
    DossierStatus.PROCESSING: 4,
    DossierStatus.SUPPLEMENT_REQUESTED: 5,
    DossierStatus.AWAITING_PAYMENT: 6,
    DossierStatus.WITHDRAWAL_REQUESTED: 7,
    DossierStatus.STOPPED: 8,
    DossierStatus.RESOLVED: 9,
    DossierStatus.RETURNED: 10,
}

# The national portal's own wording of each code, shown beside ours in the public lookup.
NATIONAL_STATUS_LABEL: dict[int, str] = {
    1: "Mới đăng ký",
    2: "Được tiếp nhận",
    3: "Không được tiếp nhận",
    4: "Đang xử lý",
    5: "Yêu cầu bổ sung giấy tờ",
    6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ",
    8: "Dừng xử lý",
    9: "Đã xử lý xong",
    10: "Đã trả kết quả",
}


class Channel(models.TextChoices):
    """How the dossier was filed (KenhThucHien: 1 counter, 2 online, 3 post)."""

    COUNTER = "counter", _("At the desk")
    ONLINE = "online", _("Online")
    POST = "post", _("By post")


NATIONAL_CHANNEL_CODE = {Channel.COUNTER: 1, Channel.ONLINE: 2, Channel.POST: 3}


class ResultDelivery(models.TextChoices):
    DESK = "desk", _("At the desk")
    POST = "post", _("By post")
    ONLINE = "online", _("Online")


class PartyKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ORGANISATION = "organisation", _("Organisation")


class ResultKind(models.TextChoices):
    """What the processing decided: a grant (the requested paper) or a reasoned refusal."""

    GRANT = "grant", _("Granted")
    REFUSAL = "refusal", _("Refused, with reasons")


# The largest fee a dossier records, in đồng: far above any desk's fee, far below the column's
# 9.2·10^18 (a mistyped amount is refused with this limit instead of failing in the database).
FEE_MAX_VND = 999_999_999_999


def fee_too_large_message() -> str:
    """The refusal of a fee above FEE_MAX_VND, the limit written the reader's way."""
    return _("The fee can be at most %(limit)s.") % {"limit": vnd(FEE_MAX_VND)}


# For a form's error_messages, built when the form shows it (in the reader's language).
FEE_TOO_LARGE = lazy(fee_too_large_message, str)()
