"""Dossiers (hồ sơ), their attachments, history rows, supplement requests, clock pauses and code counters.

Only the workflow services change `Dossier.status` (workflow.engine.transition_apply), in one
locked transaction that also writes the `DossierHistory` row and the audit entry. Everything
else about a dossier that the applicant or the desk edits goes through dossiers.services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dichvucong.agencies.models import Agency
from dichvucong.catalog.models import (
    Component,
    ProcedureVersion,
    ProcessRole,
    ProcessStep,
    TimeOption,
)
from dichvucong.core.models import RuleSet

from .constants import (
    NATIONAL_STATUS_CODE,
    RESULT_OUT,
    Channel,
    DossierStatus,
    PartyKind,
    ResultDelivery,
    ResultKind,
)

# Statuses in which the applicant may still change answers and files.
APPLICANT_EDITABLE = frozenset({DossierStatus.DRAFT, DossierStatus.SUPPLEMENT_REQUESTED})
FINAL = frozenset({DossierStatus.REFUSED, DossierStatus.STOPPED, DossierStatus.RETURNED})


class Dossier(models.Model):
    code = models.CharField(
        _("dossier code"), max_length=60, unique=True, null=True, blank=True, editable=False
    )
    version = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("procedure version"),
    )
    rule_set = models.ForeignKey(
        RuleSet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("rule set"),
        help_text=_("The legal framework in force when the dossier was received."),
    )
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=DossierStatus.choices,
        default=DossierStatus.DRAFT,
        editable=False,
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    receiving_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="received_dossiers",
        verbose_name=_("receiving agency"),
    )
    processing_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="processed_dossiers",
        verbose_name=_("processing agency"),
    )

    # The dossier owner (chủ hồ sơ) and the submitter, as data; each optionally an account.
    owner_kind = models.CharField(
        _("owner type"), max_length=20, choices=PartyKind.choices, default=PartyKind.INDIVIDUAL
    )
    owner_name = models.CharField(_("owner's name"), max_length=200, blank=True)
    owner_id_number = models.CharField(_("owner's ID number"), max_length=12, blank=True)
    owner_tax_code = models.CharField(_("owner's tax code"), max_length=14, blank=True)
    owner_phone = models.CharField(_("owner's phone"), max_length=20, blank=True)
    owner_email = models.EmailField(_("owner's e-mail"), blank=True)
    owner_address = models.CharField(_("owner's address"), max_length=300, blank=True)
    owner_account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_dossiers",
        verbose_name=_("owner's account"),
    )
    submitter_name = models.CharField(_("submitter's name"), max_length=200, blank=True)
    submitter_id_number = models.CharField(_("submitter's ID number"), max_length=12, blank=True)
    submitter_phone = models.CharField(_("submitter's phone"), max_length=20, blank=True)
    submitter_email = models.EmailField(_("submitter's e-mail"), blank=True)
    submitter_address = models.CharField(_("submitter's address"), max_length=300, blank=True)
    submitter_account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_dossiers",
        verbose_name=_("submitter's account"),
    )

    answers = models.JSONField(_("answers"), default=dict, blank=True)
    summary = models.CharField(
        _("request"), max_length=500, blank=True, help_text=_("Nội dung yêu cầu giải quyết.")
    )
    copies = models.PositiveSmallIntegerField(_("number of sets"), default=1)
    result_delivery = models.CharField(
        _("result delivery"),
        max_length=10,
        choices=ResultDelivery.choices,
        default=ResultDelivery.DESK,
    )
    delivery_address = models.CharField(_("delivery address"), max_length=300, blank=True)

    # Times (aware, stored in UTC). due_at is the original appointment and never changes.
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    time_option = models.ForeignKey(
        TimeOption,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("processing time"),
    )
    due_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    extended_due_at = models.DateTimeField(_("new appointment"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)

    # The desk's register (Sổ theo dõi hồ sơ): book and line number, given at receipt.
    register_book = models.CharField(_("register book"), max_length=20, blank=True)
    register_line = models.PositiveIntegerField(_("register line"), null=True, blank=True)

    # Fee paid at the desk (level 3).
    fee_amount = models.PositiveBigIntegerField(_("fee paid (VND)"), null=True, blank=True)
    fee_receipt_number = models.CharField(_("fee receipt number"), max_length=50, blank=True)
    fee_paid_at = models.DateTimeField(_("fee paid at"), null=True, blank=True)

    intake_supplement_count = models.PositiveSmallIntegerField(
        _("supplement requests at intake"), default=0, editable=False
    )
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)

    # Deadlines (workflow.deadlines). current_due_at is when the dossier is due now: the
    # appointment moved by the applicant's supplement pauses, or an apology's new date;
    # warn_at is one working day before it (due-soon marks, the apology prompt).
    current_due_at = models.DateTimeField(_("due now"), null=True, blank=True, editable=False)
    warn_at = models.DateTimeField(_("due soon from"), null=True, blank=True, editable=False)
    apology_prompted_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    # A fee required during processing (status 6), recorded as paid in fee_* above.
    fee_due_amount = models.PositiveBigIntegerField(
        _("fee required (VND)"), null=True, blank=True, editable=False
    )

    # The result: proposed by a specialist, approved by a leader (then resolved, status 9).
    result_kind = models.CharField(
        _("result"), max_length=10, choices=ResultKind.choices, blank=True, editable=False
    )
    result_summary = models.TextField(_("result or reasons for refusal"), blank=True)
    result_proposed_at = models.DateTimeField(null=True, blank=True, editable=False)
    result_approved_at = models.DateTimeField(null=True, blank=True, editable=False)

    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    withdrawal_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    stop_reason = models.TextField(_("reason for stopping"), blank=True)
    # Hand-over of the result: who collected it at the desk, or the postal tracking number.
    return_recipient = models.CharField(_("collected by"), max_length=200, blank=True)
    return_tracking_number = models.CharField(
        _("postal tracking number"), max_length=60, blank=True
    )
    # "Đúng hạn" as Decision 766 counts it (workflow.ontime), stored by the finishing transition
    # so statistics never recompute it; null while the dossier is not finished.
    on_time = models.BooleanField(_("on time"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=DossierStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="dossiers_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=Q(code__isnull=True) | Q(received_at__isnull=False),
                name="dossiers_code_only_when_received",
            ),
            models.CheckConstraint(
                condition=~Q(result_delivery=ResultDelivery.POST) | ~Q(delivery_address=""),
                name="dossiers_post_needs_address",
            ),
        ]
        indexes = [
            # The desk's queue: its agency's dossiers in a status, oldest first.
            models.Index(
                fields=["receiving_agency", "status", "submitted_at"], name="dossiers_desk_queue"
            ),
            models.Index(fields=["owner_account", "-created_at"], name="dossiers_owner_list"),
            models.Index(
                fields=["submitter_account", "-created_at"], name="dossiers_submitter_list"
            ),
            # The deadline task: unfinished dossiers whose warning time has come.
            models.Index(
                fields=["warn_at"],
                name="dossiers_open_warn",
                condition=Q(finished_at__isnull=True, warn_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"#{self.pk} ({self.get_status_display()})"

    @property
    def national_status_code(self) -> int | None:
        return NATIONAL_STATUS_CODE.get(self.status)

    @property
    def is_editable_by_applicant(self) -> bool:
        return self.status in APPLICANT_EDITABLE

    @property
    def agency_id(self) -> int:
        """The agency that handles the dossier now (accounts.permissions.can reads it)."""
        return self.processing_agency_id or self.receiving_agency_id

    @property
    def is_draft(self) -> bool:
        return self.status == DossierStatus.DRAFT

    @property
    def awaits_reception(self) -> bool:
        """Submitted and waiting at the desk: receive, ask for a supplement or refuse."""
        return self.status == DossierStatus.SUBMITTED

    @property
    def withdrawn_before_receipt(self) -> bool:
        """The applicant withdrew it before the desk received it: the desk closes it."""
        return self.status == DossierStatus.WITHDRAWAL_REQUESTED and self.received_at is None

    @property
    def awaits_supplement(self) -> bool:
        return self.status == DossierStatus.SUPPLEMENT_REQUESTED

    @property
    def is_processing(self) -> bool:
        return self.status == DossierStatus.PROCESSING

    @property
    def awaits_payment(self) -> bool:
        return self.status == DossierStatus.AWAITING_PAYMENT

    @property
    def is_resolved(self) -> bool:
        """Approved, the result not yet handed over."""
        return self.status == DossierStatus.RESOLVED

    @property
    def result_is_out(self) -> bool:
        """Resolved or returned: the applicant may read the result."""
        return self.status in RESULT_OUT


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    # Never the uploaded name: a random name under the dossier, with the checked extension.
    return f"dossiers/{instance.dossier_id}/{instance.stored_name}"


class Attachment(models.Model):
    """A file of a dossier: one of a component's files, or the filled form template.

    Files are private: served only through a permission check (no public media URL).
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    component = models.ForeignKey(
        Component,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dossier component"),
        help_text=_("Empty: the application form filled on paper and attached."),
    )
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=255)
    stored_name = models.CharField(max_length=80, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    digitised = models.BooleanField(
        _("digitised at the desk"), default=False, help_text=_("DuocSoHoa")
    )
    reused = models.BooleanField(
        _("reused from the data store"), default=False, help_text=_("DuocLayTuKhoDMQG")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Replaced during a supplement: kept (the history shows what was filed) but not current.
    replaced_at = models.DateTimeField(_("replaced at"), null=True, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["component__position", "uploaded_at", "id"]
        indexes = [models.Index(fields=["dossier", "component"], name="dossiers_attachment_slot")]

    def __str__(self) -> str:
        return self.original_name


class DossierHistory(models.Model):
    """One transition of a dossier: the rows of the control slip and the register."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField(_("at"))
    transition = models.CharField(_("transition"), max_length=40)
    from_status = models.CharField(_("from"), max_length=24, choices=DossierStatus.choices)
    to_status = models.CharField(_("to"), max_length=24, choices=DossierStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("by"), max_length=200, blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("history row")
        verbose_name_plural = _("history")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["dossier", "at"], name="dossiers_history_by_dossier")]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.from_status} → {self.to_status}"


class SupplementRequest(models.Model):
    """A request to add or fix components (form 02), at intake or during processing."""

    class Stage(models.TextChoices):
        INTAKE = "intake", _("At intake")
        PROCESSING = "processing", _("During processing")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="supplement_requests"
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    components = models.ManyToManyField(
        Component, related_name="+", blank=True, verbose_name=_("components to add or fix")
    )
    reason = models.TextField(_("reason"))
    exception_reason = models.TextField(
        _("reason for an exception"),
        blank=True,
        help_text=_("Why a further request is needed beyond the rule set's limit."),
    )
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resubmitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supplement request")
        verbose_name_plural = _("supplement requests")
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.get_stage_display()} {self.requested_at:%Y-%m-%d}"


class DossierPause(models.Model):
    """An interval during which the dossier's clock stands still (today: the applicant
    supplementing during processing, from the request to the resubmission).

    The original `Dossier.due_at` never changes; the on-time verdict (workflow.ontime) subtracts
    these intervals from the finish time instead. `ended_at` is empty while the pause is open.
    """

    class Kind(models.TextChoices):
        SUPPLEMENT = "supplement", _("Applicant supplementing")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(
        _("reason"), max_length=20, choices=Kind.choices, default=Kind.SUPPLEMENT
    )
    supplement_request = models.ForeignKey(
        SupplementRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pauses",
        verbose_name=_("supplement request"),
    )
    started_at = models.DateTimeField(_("paused at"))
    ended_at = models.DateTimeField(_("resumed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")
        ordering = ["started_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="dossiers_pause_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"


class CodeCounter(models.Model):
    """Daily (YYMMDD) and yearly (YYYY) counters per agency for dossier codes and the register.

    Incremented with one atomic upsert in the receiving transaction, so two desks' officers
    receiving at the same instant on different web nodes never get the same number.
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=8)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "period"], name="dossiers_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.period}: {self.value}"


class DossierStep(models.Model):
    """The dossier's passage through one step of its procedure's process (catalog.ProcessStep).

    One step is open at a time (finished_at empty): it is in the inbox of the officers who hold
    its role at its agency. Its due time comes from the step's budget under the agency's
    calendar, moved on by any supplement pause; warn_at is one working day before it.
    """

    class Outcome(models.TextChoices):
        FORWARDED = "forwarded", _("Forwarded")
        SENT_BACK = "sent_back", _("Sent back")
        RESOLVED = "resolved", _("Resolved")
        RETURNED = "returned", _("Result returned")
        STOPPED = "stopped", _("Stopped")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    process_step = models.ForeignKey(
        ProcessStep, on_delete=models.PROTECT, related_name="+", verbose_name=_("process step")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("step"), max_length=300)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="dossier_steps", verbose_name=_("agency")
    )
    role = models.CharField(_("role"), max_length=20, choices=ProcessRole.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_steps",
        verbose_name=_("assigned to"),
    )
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handed over by"),
    )
    started_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("due"))
    warn_at = models.DateTimeField(_("due soon from"))
    finished_at = models.DateTimeField(_("handed on at"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handed on by"),
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    due_soon_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("dossier step")
        verbose_name_plural = _("dossier steps")
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(finished_at__isnull=True),
                name="dossiers_one_open_step",
            ),
        ]
        indexes = [
            # The officer inbox: an agency's open steps for a role, due soonest first (keyset).
            models.Index(
                fields=["agency", "role", "due_at", "id"],
                name="dossiers_step_inbox",
                condition=Q(finished_at__isnull=True),
            ),
            models.Index(
                fields=["warn_at"],
                name="dossiers_step_open_warn",
                condition=Q(finished_at__isnull=True),
            ),
            models.Index(fields=["dossier", "started_at"], name="dossiers_step_by_dossier"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.position}. {self.name}"

    @property
    def is_open(self) -> bool:
        return self.finished_at is None


class Apology(models.Model):
    """The apology with a new date (form 04: 2018 "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
    2025 "Văn bản xin lỗi và đề nghị gia hạn"). The original appointment never changes."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="apologies")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason for the delay"))
    previous_due_at = models.DateTimeField(_("date it was due"))
    new_due_at = models.DateTimeField(_("new date"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("apology")
        verbose_name_plural = _("apologies")
        ordering = ["issued_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_due_at__gt=models.F("previous_due_at")),
                name="dossiers_apology_later_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.new_due_at:%Y-%m-%d}"


def result_upload_to(instance: ResultFile, filename: str) -> str:
    return f"results/{instance.dossier_id}/{instance.stored_name}"


class ResultFile(models.Model):
    """A result document (the e-result, DanhSachGiayToKetQua): private, served through a
    permission check and the access log."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="result_files")
    title = models.CharField(_("document"), max_length=300)
    result_code = models.CharField(
        _("result number"), max_length=60, blank=True, help_text=_("MaKetQua")
    )
    file = models.FileField(_("file"), upload_to=result_upload_to, max_length=255)
    stored_name = models.CharField(max_length=80, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # A proposal sent back by the leader is withdrawn, not deleted (the history shows it).
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("result document")
        verbose_name_plural = _("result documents")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title
