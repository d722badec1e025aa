from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .constants import LEGAL_TIMEZONE, FormPurpose
from .errors import NoRuleSetInForce, ServiceError
from .models import OfficialForm, RuleSet


def ruleset_in_force(*, at: dt.datetime) -> RuleSet:
    """The rule set in force at that moment, judged on the Vietnamese calendar date.

    Raises NoRuleSetInForce when no rule set covers the date.
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("ruleset_in_force() needs an aware datetime.")
    day = at.astimezone(LEGAL_TIMEZONE).date()
    rule_set = (
        RuleSet.objects.filter(effective_from__lte=day)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
        .first()
    )
    if rule_set is None:
        raise NoRuleSetInForce(
            _(
                "No legal framework (rule set) is in force on %(date)s. "
                "A province administrator must configure one."
            )
            % {"date": day.strftime("%d/%m/%Y")}
        )
    return rule_set


def ruleset_overlapping(
    *, effective_from: dt.date, effective_to: dt.date | None, exclude_pk: int | None = None
) -> RuleSet | None:
    """A rule set whose period shares at least one day with the given one (ends inclusive)."""
    clashes = RuleSet.objects.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=effective_from)
    )
    if effective_to is not None:
        clashes = clashes.filter(effective_from__lte=effective_to)
    if exclude_pk is not None:
        clashes = clashes.exclude(pk=exclude_pk)
    return clashes.first()


def ruleset_list() -> QuerySet[RuleSet]:
    return RuleSet.objects.order_by("effective_from").prefetch_related("forms")


def ruleset_form_get(*, rule_set: RuleSet, purpose: FormPurpose) -> OfficialForm:
    """The rule set's form for that purpose, e.g. the receipt (Mẫu 01) or the stop notice."""
    try:
        return rule_set.forms.get(purpose=purpose)
    except OfficialForm.DoesNotExist:
        raise ServiceError(
            _("The legal framework %(rule_set)s has no form for: %(purpose)s.")
            % {"rule_set": rule_set.name, "purpose": FormPurpose(purpose).label},
            code="form_not_in_rule_set",
        ) from None
