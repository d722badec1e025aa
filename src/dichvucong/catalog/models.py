"""The procedure catalogue: sectors, fields, procedures and their versions.

A procedure (thủ tục hành chính) is published in **versions**. Everything a citizen reads about
it belongs to a version; a version is edited only while it is a draft (catalog.services
enforces it), publishing freezes it, and a dossier later points to the version it was filed
under (PROTECT), so catalogue edits never rewrite history. At most one version of a procedure is
published and at most one is a draft at any time.

`search_name` and `search_text` are the version's name and searchable text folded by
`core.text.fold` (lower case, no diacritics, đ → d, y → i); the services keep them in step.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dichvucong.agencies.models import Agency, Level
from dichvucong.agencies.worktime import DurationUnit

# National TTHC code in the national procedure database: one digit, a dot, six digits
# (domain.md §6, R3). Left empty unless verified — never invented.
NATIONAL_CODE_PATTERN = r"\A[0-9]\.[0-9]{6}\Z"
# The local code is the URL key: the national code with the agency suffix (1.001193.000.00.00.H30)
# or a local scheme; letters, digits, dots and hyphens.
LOCAL_CODE_PATTERN = r"\A[0-9A-Za-z][0-9A-Za-z.\-]{0,79}\Z"

validate_national_code = RegexValidator(
    re.compile(NATIONAL_CODE_PATTERN),
    _("The national procedure code has the form 1.001193 (a digit, a dot, six digits)."),
    code="invalid_national_code",
)
validate_local_code = RegexValidator(
    re.compile(LOCAL_CODE_PATTERN),
    _("The local code may contain only letters, digits, dots and hyphens (at most 80)."),
    code="invalid_local_code",
)


def validate_unverified(value) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("The unverified values are a list of field names."))


NATIONAL_PORTAL_PROCEDURE_URL = (
    "https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc-hanh-chinh.html?ma_thu_tuc={code}"
)


class Sector(models.Model):
    """Ngành: the top of the classification (e.g. Tư pháp)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return self.name


class Field(models.Model):
    """Lĩnh vực: a field within a sector (e.g. Hộ tịch within Tư pháp)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=255)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="fields", verbose_name=_("sector")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("field")
        verbose_name_plural = _("fields")

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """The lasting identity of an administrative procedure; its content lives in versions."""

    local_code = models.CharField(
        _("local code"), max_length=80, unique=True, validators=[validate_local_code]
    )
    national_code = models.CharField(
        _("national code"),
        max_length=8,
        blank=True,
        validators=[validate_national_code],
        help_text=_("Only a verified code from the national procedure database; else empty."),
    )
    dvc_code = models.CharField(_("online service code"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["local_code"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        constraints = [
            models.CheckConstraint(
                condition=Q(national_code="") | Q(national_code__regex=NATIONAL_CODE_PATTERN),
                name="catalog_procedure_national_code_format",
                violation_error_message=_("The national procedure code has the form 1.001193."),
            ),
            models.CheckConstraint(
                condition=Q(local_code__regex=LOCAL_CODE_PATTERN),
                name="catalog_procedure_local_code_format",
            ),
        ]

    def __str__(self) -> str:
        return self.local_code

    @property
    def national_portal_url(self) -> str:
        if not self.national_code:
            return ""
        return NATIONAL_PORTAL_PROCEDURE_URL.format(code=self.national_code)


class OnlineLevel(models.IntegerChoices):
    """The seed's online levels (ND 43/2011); the 2022 classification is derived (domain.md §4)."""

    INFORMATION = 1, _("Level 1: information")
    FORMS = 2, _("Level 2: forms to download")
    PARTIAL = 3, _("Level 3: online filing, fee and result at the desk")
    FULL = 4, _("Level 4: online filing, payment and result")


class OnlineServiceKind(models.TextChoices):
    """ND 42/2022 Art. 11: toàn trình (full) or một phần (partial); levels 1-2 are information only."""

    NONE = "none", _("Information only")
    PARTIAL = "partial", _("Partial online service")
    FULL = "full", _("Full online service")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class ProcedureVersion(models.Model):
    """One version of a procedure's published content."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="versions", verbose_name=_("procedure")
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )

    # What the citizen reads
    name = models.CharField(_("name"), max_length=500, help_text=_("Exactly as announced."))
    field = models.ForeignKey(
        Field, on_delete=models.PROTECT, related_name="versions", verbose_name=_("field")
    )
    at_province = models.BooleanField(_("province level"), default=False)
    at_district = models.BooleanField(_("district level"), default=False)
    at_commune = models.BooleanField(_("commune level"), default=False)
    for_citizens = models.BooleanField(_("for citizens"), default=False)
    for_organisations = models.BooleanField(_("for organisations"), default=False)
    competent_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="competent_for",
        verbose_name=_("competent agency"),
    )
    receiving_agencies = models.ManyToManyField(
        Agency,
        related_name="receives_for",
        blank=True,
        verbose_name=_("receiving agencies"),
        help_text=_("The one-stop desks where a dossier may be filed."),
    )
    online_level = models.PositiveSmallIntegerField(
        _("online level"), choices=OnlineLevel.choices, default=OnlineLevel.INFORMATION
    )
    channel_counter = models.BooleanField(_("at the desk"), default=True)
    channel_post = models.BooleanField(_("by post"), default=False)
    channel_online = models.BooleanField(_("online"), default=False)
    conditions = models.TextField(_("conditions"), blank=True)
    legal_basis = models.TextField(
        _("legal basis"), blank=True, help_text=_("One document a line.")
    )
    result_document = models.TextField(_("result"), blank=True)
    fee_note = models.TextField(_("note on fees"), blank=True)
    announcing_decision_number = models.CharField(
        _("announcing decision number"), max_length=100, blank=True
    )
    announcing_decision_date = models.DateField(
        _("announcing decision date"), null=True, blank=True
    )
    retention_years = models.PositiveSmallIntegerField(
        _("retention of dossiers (years)"),
        null=True,
        blank=True,
        help_text=_("Empty: kept permanently."),
    )
    # Names of the fields above whose value was not verified against an official source
    # (demo and imported data say so instead of passing a guess off as fact).
    unverified = models.JSONField(
        _("unverified values"), default=list, blank=True, validators=[validate_unverified]
    )
    sources = models.TextField(_("sources"), blank=True)
    # The application form the applicant fills (catalog.formdefs); empty: the generic one.
    form = models.JSONField(_("application form"), default=dict, blank=True)

    # Bookkeeping
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True, editable=False)
    search_name = models.CharField(max_length=500, blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["procedure_id", "-number"]
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"], name="catalog_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=Q(status=VersionStatus.PUBLISHED),
                name="catalog_one_published_version",
            ),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=Q(status=VersionStatus.DRAFT),
                name="catalog_one_draft_version",
            ),
            models.CheckConstraint(
                condition=Q(online_level__gte=1, online_level__lte=4),
                name="catalog_version_online_level_range",
            ),
            models.CheckConstraint(
                condition=Q(status=VersionStatus.DRAFT) | Q(published_at__isnull=False),
                name="catalog_version_published_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "field"], name="catalog_version_status_field"),
            models.Index(
                fields=["status", "competent_agency"], name="catalog_version_status_agency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.number})"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def online_service_kind(self) -> str:
        # domain.md §4: level 4 ≈ toàn trình, level 3 ≈ một phần [U, common practice].
        if self.online_level >= OnlineLevel.FULL:
            return OnlineServiceKind.FULL
        if self.online_level == OnlineLevel.PARTIAL:
            return OnlineServiceKind.PARTIAL
        return OnlineServiceKind.NONE

    @property
    def accepts_online_dossiers(self) -> bool:
        return self.online_level >= OnlineLevel.PARTIAL

    def levels(self) -> list[str]:
        pairs = [
            (self.at_province, Level.PROVINCE),
            (self.at_district, Level.DISTRICT),
            (self.at_commune, Level.COMMUNE),
        ]
        return [level for on, level in pairs if on]


class VersionPart(models.Model):
    """A row that belongs to one version, in the order it is shown."""

    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]


class TimeOption(VersionPart):
    """A processing time: many procedures have a normal and a longer case."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="time_options"
    )
    label = models.CharField(_("case"), max_length=300, blank=True)
    duration = models.PositiveIntegerField(_("duration"), default=0)
    unit = models.CharField(
        _("unit"),
        max_length=16,
        choices=[
            (DurationUnit.HOURS.value, _("working hours")),
            (DurationUnit.WORKING_DAYS.value, _("working days")),
            (DurationUnit.DAYS.value, _("days")),
            (DurationUnit.MONTHS.value, _("months")),
        ],
        default=DurationUnit.WORKING_DAYS.value,
    )
    same_day = models.BooleanField(_("same day"), default=False)
    cutoff = models.TimeField(
        _("cut-off hour"),
        null=True,
        blank=True,
        help_text=_(
            "Same-day requests received later are due the next working day. Empty: the rule set's."
        ),
    )

    class Meta(VersionPart.Meta):
        verbose_name = _("processing time")
        verbose_name_plural = _("processing times")
        constraints = [
            models.CheckConstraint(
                condition=Q(same_day=True) | Q(duration__gt=0),
                name="catalog_time_option_positive",
                violation_error_message=_(
                    "A processing time is either same-day or longer than zero."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.label or f"{self.duration} {self.unit}"


class Fee(VersionPart):
    class Unit(models.TextChoices):
        PER_DOSSIER = "dossier", _("per dossier")
        PER_COPY = "copy", _("per copy")
        PER_PAGE = "page", _("per page")

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    name = models.CharField(_("name"), max_length=300)
    amount = models.PositiveBigIntegerField(_("amount (VND)"), default=0)
    unit = models.CharField(
        _("unit"), max_length=10, choices=Unit.choices, default=Unit.PER_DOSSIER
    )
    cap = models.PositiveBigIntegerField(_("cap (VND)"), null=True, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)

    class Meta(VersionPart.Meta):
        verbose_name = _("fee")
        verbose_name_plural = _("fees")

    def __str__(self) -> str:
        return self.name


class Component(VersionPart):
    """Thành phần hồ sơ: a document the applicant supplies."""

    class PaperForm(models.TextChoices):
        ORIGINAL = "original", _("original")
        CERTIFIED_COPY = "certified_copy", _("certified copy")
        COPY = "copy", _("copy")
        ORIGINAL_OR_CERTIFIED_COPY = "original_or_certified", _("original or certified copy")

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="components"
    )
    name = models.TextField(_("name"))
    paper_form = models.CharField(
        _("form"), max_length=24, choices=PaperForm.choices, default=PaperForm.ORIGINAL
    )
    count = models.PositiveSmallIntegerField(
        _("number of copies"), default=1, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    mandatory = models.BooleanField(_("mandatory"), default=True)
    template = models.FileField(
        _("form template"), upload_to="catalog/templates/%Y/", blank=True, max_length=255
    )
    note = models.TextField(_("note"), blank=True)

    class Meta(VersionPart.Meta):
        verbose_name = _("dossier component")
        verbose_name_plural = _("dossier components")
        constraints = [
            models.CheckConstraint(
                condition=Q(count__gte=1), name="catalog_component_count_positive"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Step(VersionPart):
    """Trình tự thực hiện: a step as the applicant reads it (the electronic process is separate)."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="steps")
    description = models.TextField(_("description"))

    class Meta(VersionPart.Meta):
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self) -> str:
        return self.description[:80]


class ProcessRole(models.TextChoices):
    """Who acts at a process step: the accounts.Membership roles that process dossiers."""

    ONE_STOP_OFFICER = "one_stop_officer", _("One-stop officer")
    SPECIALIST = "specialist", _("Specialist")
    LEADER = "leader", _("Leader")


class ProcessStep(VersionPart):
    """A step of the electronic process (quy trình điện tử) a dossier follows after receipt.

    The agency is a named agency, or — `at_receiving_agency` — the desk where the dossier was
    filed (one procedure is received at many desks). Steps at several agencies make an
    inter-agency (liên thông) process.
    """

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="process_steps"
    )
    name = models.CharField(_("name"), max_length=300)
    at_receiving_agency = models.BooleanField(_("at the receiving agency"), default=False)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agency"),
        help_text=_("Empty when the step is at the receiving agency."),
    )
    role = models.CharField(_("role"), max_length=20, choices=ProcessRole.choices)
    duration = models.PositiveIntegerField(_("time budget"), default=1)
    unit = models.CharField(
        _("unit"),
        max_length=16,
        choices=[
            (DurationUnit.HOURS.value, _("working hours")),
            (DurationUnit.WORKING_DAYS.value, _("working days")),
            (DurationUnit.DAYS.value, _("days")),
            (DurationUnit.MONTHS.value, _("months")),
        ],
        default=DurationUnit.WORKING_DAYS.value,
    )
    may_return = models.BooleanField(_("may send back a step"), default=False)

    class Meta(VersionPart.Meta):
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        constraints = [
            models.CheckConstraint(
                condition=Q(at_receiving_agency=True, agency__isnull=True)
                | Q(at_receiving_agency=False, agency__isnull=False),
                name="catalog_process_step_one_agency",
                violation_error_message=_(
                    "A process step is either at the receiving agency or at a named agency."
                ),
            ),
            models.CheckConstraint(
                condition=Q(duration__gt=0),
                name="catalog_process_step_budget_positive",
                violation_error_message=_("A process step's time budget is longer than zero."),
            ),
        ]

    def __str__(self) -> str:
        return self.name
