from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time

from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .constants import AgencyCodeOrder, FormPurpose, PaperSize, SupplementStage
from .errors import ServiceError

# Both orders allow at most 35 characters of digits, upper-case letters and dots (QĐ 20/2020).
AGENCY_IDENTIFIER_PATTERNS = {
    AgencyCodeOrder.QCVN102: r"[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9A-Z]{2}",
    AgencyCodeOrder.QD20: r"[A-Z][0-9A-Z]{2}(?:\.[0-9A-Z]+)*",
}
AGENCY_IDENTIFIER_MAX_LENGTH = 35
MIN_SEQUENCE_WIDTH, MAX_SEQUENCE_WIDTH = 4, 8


@dataclass(frozen=True)
class SupplementVerdict:
    allowed: bool
    counts_late: bool  # the request makes the dossier late in the QĐ 766 measurement
    needs_confirmation: bool  # allowed only because the officer explicitly confirmed it


class RuleSet(models.Model):
    """The legal framework in force for a period: forms, dossier code, intake and late rules.

    Dossiers keep the rule set in force when they were received, so rules that the law sets
    are data with an effective period, never constants in code (domain.md §0, R20).
    """

    code = models.CharField(
        _("code"),
        max_length=10,
        unique=True,
        validators=[RegexValidator(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")],
        help_text=_("Short identifier, e.g. 2018 or 2025."),
    )
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.TextField(_("legal basis"))
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(
        _("in force until"),
        null=True,
        blank=True,
        help_text=_("Last day in force (inclusive). Empty: no end date yet."),
    )
    dossier_code_agency_order = models.CharField(
        _("agency identifier order in dossier codes"),
        max_length=10,
        choices=AgencyCodeOrder.choices,
    )
    dossier_code_sequence_width = models.PositiveSmallIntegerField(
        _("digits of the daily sequence in dossier codes"),
        default=4,
        validators=[MinValueValidator(MIN_SEQUENCE_WIDTH), MaxValueValidator(MAX_SEQUENCE_WIDTH)],
    )
    same_day_cutoff = models.TimeField(
        _("same-day cut-off time"),
        default=time(15, 0),
        help_text=_(
            "Requests for same-day procedures received after this time are due the next working day."
        ),
    )
    intake_supplement_limit = models.PositiveSmallIntegerField(
        _("supplement requests allowed at intake"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_(
            "The desk guides the applicant once, in writing; further requests are refused."
        ),
    )
    processing_supplement_limit = models.PositiveSmallIntegerField(
        _("supplement requests allowed per processing agency"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Beyond this, a request needs an explicit confirmation and counts the dossier as late."
        ),
    )
    apology_lead_working_days = models.PositiveSmallIntegerField(
        _("apology lead time (working days)"),
        default=1,
        help_text=_(
            "The apology for a late result is sent at least this many working days before the appointment."
        ),
    )

    class Meta:
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        ordering = ["effective_from"]
        constraints = [
            # Periods never overlap: see migration 0003 (PostgreSQL exclusion constraint) and
            # services.ruleset_create (locked check, for SQLite too).
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="core_ruleset_period_ordered",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(dossier_code_agency_order__in=AgencyCodeOrder.values),
                name="core_ruleset_agency_order_known",
            ),
            models.CheckConstraint(
                condition=Q(
                    dossier_code_sequence_width__gte=MIN_SEQUENCE_WIDTH,
                    dossier_code_sequence_width__lte=MAX_SEQUENCE_WIDTH,
                ),
                name="core_ruleset_sequence_width_range",
            ),
            models.CheckConstraint(
                condition=Q(intake_supplement_limit__gte=1, processing_supplement_limit__gte=1),
                name="core_ruleset_supplement_limits_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    @property
    def agency_identifier_regex(self) -> re.Pattern[str]:
        return re.compile(rf"^{AGENCY_IDENTIFIER_PATTERNS[self.dossier_code_agency_order]}$")

    @property
    def dossier_code_regex(self) -> re.Pattern[str]:
        agency = AGENCY_IDENTIFIER_PATTERNS[self.dossier_code_agency_order]
        return re.compile(
            rf"^(?P<agency>{agency})-(?P<date>\d{{6}})-(?P<sequence>\d{{{self.dossier_code_sequence_width}}})$"
        )

    def dossier_code(self, *, agency_identifier: str, received_on: date, sequence: int) -> str:
        """`<agency identifier>-<YYMMDD of receipt>-<daily sequence>` (TT 01/2018 Art. 19).

        received_on is the local (Vietnamese) date of receipt; the caller issues the sequence.
        """
        if len(
            agency_identifier
        ) > AGENCY_IDENTIFIER_MAX_LENGTH or not self.agency_identifier_regex.match(
            agency_identifier
        ):
            raise ServiceError(
                _(
                    "The agency identifier %(identifier)s does not follow the %(order)s order "
                    "required by the rule set %(rule_set)s."
                )
                % {
                    "identifier": agency_identifier,
                    "order": self.get_dossier_code_agency_order_display(),
                    "rule_set": self.code,
                },
                field="agency_identifier",
                code="agency_identifier_format",
            )
        if not 1 <= sequence < 10**self.dossier_code_sequence_width:
            raise ServiceError(
                _("The daily dossier sequence %(sequence)s does not fit in %(width)s digits.")
                % {"sequence": sequence, "width": self.dossier_code_sequence_width},
                code="dossier_sequence_overflow",
            )
        return f"{agency_identifier}-{received_on:%y%m%d}-{sequence:0{self.dossier_code_sequence_width}d}"

    def supplement_verdict(
        self, *, stage: SupplementStage, previous_requests: int, confirmed: bool = False
    ) -> SupplementVerdict:
        """May another supplement request be issued (domain.md R7)?

        previous_requests counts the requests already issued at this stage (at intake: for this
        receipt; during processing: by this processing agency). confirmed is the officer's
        explicit flag for a request beyond the processing limit.
        """
        if stage == SupplementStage.INTAKE:
            allowed = previous_requests < self.intake_supplement_limit
            return SupplementVerdict(allowed=allowed, counts_late=False, needs_confirmation=False)
        if previous_requests < self.processing_supplement_limit:
            return SupplementVerdict(allowed=True, counts_late=False, needs_confirmation=False)
        return SupplementVerdict(allowed=confirmed, counts_late=True, needs_confirmation=True)


class OfficialForm(models.Model):
    """One form of a rule set's appendix (e.g. TT 03/2025 Phụ lục I, Mẫu 05)."""

    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.CASCADE, related_name="forms", verbose_name=_("rule set")
    )
    purpose = models.CharField(_("purpose"), max_length=30, choices=FormPurpose.choices)
    number = models.CharField(
        _("form number"),
        max_length=2,
        validators=[RegexValidator(r"^\d{2}$", _("Two digits, e.g. 01."))],
    )
    title = models.CharField(_("official title"), max_length=200)
    paper_size = models.CharField(_("paper size"), max_length=2, choices=PaperSize.choices)

    class Meta:
        verbose_name = _("official form")
        verbose_name_plural = _("official forms")
        ordering = ["rule_set", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "purpose"], name="core_officialform_purpose_unique"
            ),
            models.UniqueConstraint(
                fields=["rule_set", "number"], name="core_officialform_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(purpose__in=FormPurpose.values), name="core_officialform_purpose_known"
            ),
            models.CheckConstraint(
                condition=Q(paper_size__in=PaperSize.values), name="core_officialform_paper_known"
            ),
        ]

    def __str__(self) -> str:
        return _("Form %(number)s: %(title)s") % {"number": self.number, "title": self.title}


class AuditChain(models.Model):
    """The head of one scope's hash chain: appending locks this row only.

    head_mac authenticates (scope, last_seq, last_hash), so deleting the newest entries is
    detected: the head still names an entry that is gone.
    """

    scope = models.CharField(_("scope"), max_length=64, unique=True)
    last_seq = models.PositiveBigIntegerField(_("last sequence number"), default=0)
    last_hash = models.CharField(_("last hash"), max_length=64)
    head_mac = models.CharField(_("head MAC"), max_length=64)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("audit chain")
        verbose_name_plural = _("audit chains")
        ordering = ["scope"]

    def __str__(self) -> str:
        return f"{self.scope} #{self.last_seq}"


class AuditEntry(models.Model):
    """One recorded change: who, what, when, from where, before and after (append-only)."""

    scope = models.CharField(_("scope"), max_length=64)
    seq = models.PositiveBigIntegerField(_("sequence number"))
    created_at = models.DateTimeField(_("time"), db_index=True)
    # No foreign key to the user: deleting an account must not touch the trail.
    actor_user_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    actor_label = models.CharField(_("user"), max_length=254, blank=True)
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    via = models.CharField(_("channel"), max_length=20)
    action = models.CharField(_("action"), max_length=100)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("object type")
    )
    object_pk = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "seq"], name="core_auditentry_seq_unique_per_scope"
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_pk"], name="core_audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.scope} #{self.seq} {self.action}"


class AccessLogEntry(models.Model):
    """One read of personal data (append-only, not chained: reads are many and change nothing)."""

    created_at = models.DateTimeField(_("time"), db_index=True)
    actor_user_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    actor_label = models.CharField(_("user"), max_length=254, blank=True)
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    via = models.CharField(_("channel"), max_length=20)
    action = models.CharField(_("action"), max_length=100)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("object type")
    )
    object_pk = models.CharField(_("object id"), max_length=64)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["content_type", "object_pk"], name="core_access_object_idx"),
            models.Index(fields=["actor_user_id", "created_at"], name="core_access_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.actor_label}"
