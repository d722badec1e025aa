from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyCodeOrder(models.TextChoices):
    """How the agency identifier at the head of a dossier code is written (domain.md §1.1, §6)."""

    # V1V2V3.Z1Z2.Y1Y2.MX1X2: the level-1 code (e.g. H30) comes last.
    QCVN102 = "qcvn102", _("QCVN 102:2016 (level-1 code last, e.g. 000.00.00.H30)")
    # Developed left to right from level 1 (e.g. H15.50.05.13).
    QD20 = "qd20", _("Decision 20/2020 (level-1 code first, e.g. H30.05.13)")


class PaperSize(models.TextChoices):
    A5 = "A5", "A5"
    A4 = "A4", "A4"


class FormPurpose(models.TextChoices):
    """What an official form is for: code asks for a form by purpose, never by its number,
    because the numbers moved between TT 01/2018 and TT 03/2025."""

    RECEIPT = "receipt", _("Receipt and appointment for results")
    SUPPLEMENT_REQUEST = "supplement_request", _("Request to supplement the dossier")
    REFUSAL = "refusal", _("Refusal to receive the dossier")
    APOLOGY = "apology", _("Apology for late results")
    STOP_NOTICE = "stop_notice", _("Notice of stopping processing")
    CONTROL_SLIP = "control_slip", _("Process control slip")
    REGISTER = "register", _("Dossier tracking register")


# Every framework must provide these; the stop notice exists only since TT 03/2025.
REQUIRED_FORM_PURPOSES = frozenset(
    {
        FormPurpose.RECEIPT,
        FormPurpose.SUPPLEMENT_REQUEST,
        FormPurpose.REFUSAL,
        FormPurpose.APOLOGY,
        FormPurpose.CONTROL_SLIP,
        FormPurpose.REGISTER,
    }
)


class SupplementStage(models.TextChoices):
    INTAKE = "intake", _("At intake, by the one-stop desk")
    PROCESSING = "processing", _("During processing, by a processing agency")


PROVINCE_SCOPE = "province"
# The chain that registers every other chain when it is opened (itself first), so that a whole
# chain deleted with its head is missed by the register. Lower case: agency codes never are.
AUDIT_REGISTER_SCOPE = "scopes"
AUDIT_REGISTER_ACTION = "core.audit.chain.open"

# Legal dates (effective dates, receipt dates) are Vietnamese calendar dates.
LEGAL_TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
