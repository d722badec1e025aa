from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .audit import audit_change, snapshot
from .constants import REQUIRED_FORM_PURPOSES, AgencyCodeOrder, FormPurpose, PaperSize
from .errors import ServiceError
from .models import OfficialForm, RuleSet
from .selectors import ruleset_overlapping


@dataclass(frozen=True)
class FormSpec:
    purpose: FormPurpose
    number: str
    title: str
    paper_size: PaperSize


def ruleset_forms_check(*, purposes: Sequence[str]) -> None:
    """Every framework provides the forms the workflow prints; each purpose once."""
    if len(set(purposes)) != len(purposes):
        raise ServiceError(
            _("Each purpose may have only one form."), field="forms", code="form_duplicated"
        )
    missing = REQUIRED_FORM_PURPOSES - set(purposes)
    if missing:
        raise ServiceError(
            _("The rule set lacks these forms: %(purposes)s.")
            % {"purposes": ", ".join(str(FormPurpose(p).label) for p in sorted(missing))},
            field="forms",
            code="form_missing",
        )


def ruleset_period_check(*, rule_set: RuleSet) -> None:
    """Refuse a period that overlaps another rule set's.

    Call it inside the transaction that saves the rule set: it locks every rule set first, so
    two writers cannot both pass the check (PostgreSQL also has an exclusion constraint).
    """
    list(RuleSet.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    clash = ruleset_overlapping(
        effective_from=rule_set.effective_from,
        effective_to=rule_set.effective_to,
        exclude_pk=rule_set.pk,
    )
    if clash is not None:
        raise ServiceError(
            _("This period overlaps the rule set %(code)s (%(start)s to %(end)s).")
            % {
                "code": clash.code,
                "start": clash.effective_from.strftime("%d/%m/%Y"),
                "end": clash.effective_to.strftime("%d/%m/%Y") if clash.effective_to else "…",
            },
            field="effective_from",
            code="ruleset_period_overlap",
        )


def ruleset_snapshot(rule_set: RuleSet) -> dict:
    """The rule set with its forms, as recorded in the audit trail."""
    forms = rule_set.forms.order_by("number")
    return {
        **snapshot(rule_set),
        "forms": [
            snapshot(form, fields=["purpose", "number", "title", "paper_size"]) for form in forms
        ],
    }


def _validated(instance, *, exclude: Sequence[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ServiceError(
            messages[0], field=None if field == NON_FIELD_ERRORS else field, code="invalid"
        ) from None


def ruleset_create(
    *,
    code: str,
    name: str,
    legal_basis: str,
    effective_from: dt.date,
    effective_to: dt.date | None = None,
    dossier_code_agency_order: AgencyCodeOrder,
    dossier_code_sequence_width: int = 4,
    same_day_cutoff: dt.time = dt.time(15, 0),
    intake_supplement_limit: int = 1,
    processing_supplement_limit: int = 1,
    apology_lead_working_days: int = 1,
    forms: Sequence[FormSpec],
) -> RuleSet:
    """Add a legal framework with its forms; its period must not overlap another's."""
    rule_set = RuleSet(
        code=code,
        name=name,
        legal_basis=legal_basis,
        effective_from=effective_from,
        effective_to=effective_to,
        dossier_code_agency_order=dossier_code_agency_order,
        dossier_code_sequence_width=dossier_code_sequence_width,
        same_day_cutoff=same_day_cutoff,
        intake_supplement_limit=intake_supplement_limit,
        processing_supplement_limit=processing_supplement_limit,
        apology_lead_working_days=apology_lead_working_days,
    )
    _validated(rule_set)
    ruleset_forms_check(purposes=[spec.purpose for spec in forms])
    official_forms = [
        OfficialForm(
            rule_set=rule_set,
            purpose=spec.purpose,
            number=spec.number,
            title=spec.title,
            paper_size=spec.paper_size,
        )
        for spec in forms
    ]
    for form in official_forms:
        _validated(form, exclude=["rule_set"])
    if len({form.number for form in official_forms}) != len(official_forms):
        raise ServiceError(
            _("Each form number may be used only once."), field="forms", code="form_duplicated"
        )

    with transaction.atomic():
        ruleset_period_check(rule_set=rule_set)
        rule_set.save()
        OfficialForm.objects.bulk_create(official_forms)
        audit_change(
            action="core.ruleset.create",
            instance=rule_set,
            before=None,
            after=ruleset_snapshot(rule_set),
        )
    return rule_set
