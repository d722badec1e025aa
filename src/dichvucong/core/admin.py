from __future__ import annotations

import json

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .audit import audit_change, snapshot
from .constants import PROVINCE_SCOPE
from .context import Actor
from .errors import ServiceError
from .middleware import client_ip
from .models import AccessLogEntry, AuditChain, AuditEntry, OfficialForm, RuleSet
from .selectors import ruleset_overlapping
from .services import ruleset_forms_check, ruleset_period_check


class _ValidValuesAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget, which looks its selected values up in the database to
    show their names: a value that is no id at all (a word, a NUL, a huge number: from a
    forged form or the add page's query string) is dropped instead of failing that lookup."""

    def optgroups(self, name, value, attr=None):
        target = self.field.target_field
        valid = []
        for item in value:
            try:
                target.to_python(item)
            except ValidationError:
                continue
            integer = isinstance(target, models.IntegerField) and str(item).strip()
            if integer and not -(2**63) <= int(str(item)) < 2**63:
                continue
            valid.append(item)
        return super().optgroups(name, valid, attr)


class ValidValuesAutocompleteMixin:
    """For ModelAdmins and inlines with autocomplete_fields (see the widget above)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = _ValidValuesAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AuditedModelAdmin(ValidValuesAutocompleteMixin, admin.ModelAdmin):
    """A ModelAdmin whose creates, changes and deletes (inline rows and cascades included) are
    recorded in the audit trail, in the same transaction as the change.

    Actions are "<app_label>.<model>.create|change|delete". Subclasses return the owning
    agency's code from `audit_scope` for agency-owned data.
    """

    def audit_scope(self, obj: models.Model) -> str:
        return PROVINCE_SCOPE

    def _audit(self, request, obj, verb: str, before: dict | None, after: dict | None, scope: str):
        opts = obj._meta
        audit_change(
            action=f"{opts.app_label}.{opts.model_name}.{verb}",
            instance=obj,
            before=before,
            after=after,
            scope=scope,
            actor=Actor(user=request.user, ip=client_ip(request), via="admin"),
        )

    def _atomic(self, model=None):
        return transaction.atomic(using=router.db_for_write(model or self.model))

    @staticmethod
    def _locked_snapshots(model, pks) -> dict:
        rows = model._default_manager.select_for_update().filter(pk__in=list(pks))
        return {row.pk: snapshot(row) for row in rows}

    def save_model(self, request, obj, form, change):
        with self._atomic():
            # The form already changed obj in memory: "before" comes from the database.
            before = self._locked_snapshots(type(obj), [obj.pk])[obj.pk] if change else None
            super().save_model(request, obj, form, change)
            after = snapshot(obj)
            if after != before:  # saving an unchanged form changes no data
                verb = "change" if change else "create"
                self._audit(request, obj, verb, before, after, self.audit_scope(obj))

    def save_formset(self, request, form, formset, change):
        # Inline rows are data of their own: each created, changed or deleted row is recorded.
        with self._atomic(formset.model):
            scope = self.audit_scope(form.instance)
            saved = formset.save(commit=False)
            pks = [obj.pk for obj in saved if not obj._state.adding]
            before = self._locked_snapshots(formset.model, pks)
            self._delete_audited(request, formset.deleted_objects, scope)
            for obj in saved:
                adding = obj._state.adding
                obj.save()
                verb = "create" if adding else "change"
                self._audit(
                    request, obj, verb, None if adding else before[obj.pk], snapshot(obj), scope
                )
            formset.save_m2m()

    def delete_model(self, request, obj):
        with self._atomic():
            self._delete_audited(request, [obj], self.audit_scope(obj))

    def delete_queryset(self, request, queryset):
        with self._atomic():
            for obj in queryset:
                self._delete_audited(request, [obj], self.audit_scope(obj))

    def _delete_audited(self, request, objs, scope: str) -> None:
        """Record every row the delete removes, cascades included, then delete."""
        if not objs:
            return
        # Reloaded and locked: the instances given may carry unsaved edits from a form.
        model = type(objs[0])
        objs = list(
            model._default_manager.select_for_update().filter(pk__in=[obj.pk for obj in objs])
        )
        collector = Collector(using=router.db_for_write(model), origin=objs[0])
        collector.collect(objs)
        doomed = [obj for instances in collector.data.values() for obj in instances]
        doomed += [obj for queryset in collector.fast_deletes for obj in queryset]
        for obj in doomed:
            self._audit(request, obj, "delete", snapshot(obj), None, scope)
        for obj in objs:
            obj.delete()


# --- Rule sets -----------------------------------------------------------------------------


class OfficialFormInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [
            form.cleaned_data["purpose"]
            for form in self.forms
            if form.cleaned_data.get("purpose") and not form.cleaned_data.get("DELETE")
        ]
        try:
            ruleset_forms_check(purposes=kept)
        except ServiceError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None


class OfficialFormInline(admin.TabularInline):
    model = OfficialForm
    formset = OfficialFormInlineFormSet
    extra = 0
    fields = ["number", "purpose", "title", "paper_size"]


class RuleSetAdminForm(forms.ModelForm):
    class Meta:
        model = RuleSet
        fields = [
            "code",
            "name",
            "legal_basis",
            "effective_from",
            "effective_to",
            "dossier_code_agency_order",
            "dossier_code_sequence_width",
            "same_day_cutoff",
            "intake_supplement_limit",
            "processing_supplement_limit",
            "apology_lead_working_days",
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("effective_from"), cleaned.get("effective_to")
        if start and not self.has_error("effective_to"):
            clash = ruleset_overlapping(
                effective_from=start, effective_to=end, exclude_pk=self.instance.pk
            )
            if clash is not None:
                self.add_error(
                    "effective_from",
                    _("This period overlaps the rule set %(code)s.") % {"code": clash.code},
                )
        return cleaned


@admin.register(RuleSet)
class RuleSetAdmin(AuditedModelAdmin):
    form = RuleSetAdminForm
    inlines = [OfficialFormInline]
    list_display = ["code", "name", "effective_from", "effective_to", "dossier_code_agency_order"]
    ordering = ["effective_from"]
    fieldsets = [
        (None, {"fields": ["code", "name", "legal_basis", "effective_from", "effective_to"]}),
        (
            _("Dossier code"),
            {"fields": ["dossier_code_agency_order", "dossier_code_sequence_width"]},
        ),
        (
            _("Intake, supplements and late results"),
            {
                "fields": [
                    "same_day_cutoff",
                    "intake_supplement_limit",
                    "processing_supplement_limit",
                    "apology_lead_working_days",
                ]
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        with self._atomic():
            # The form checked the period already; this re-checks it under a lock.
            ruleset_period_check(rule_set=obj)
            super().save_model(request, obj, form, change)


# --- The trail itself: readable, never writable ---------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    """No one adds, changes or deletes these rows here, superusers included."""

    show_full_result_count = False  # never count a large table twice

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopeFilter(admin.SimpleListFilter):
    title = _("scope")
    parameter_name = "scope"

    def lookups(self, request, model_admin):
        # The heads list the scopes: no DISTINCT over the whole trail.
        return [(scope, scope) for scope in AuditChain.objects.values_list("scope", flat=True)]

    def queryset(self, request, queryset):
        return queryset.filter(scope=self.value()) if self.value() else queryset


def _pretty_json(value) -> str:
    if value is None:
        return "—"
    text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
    return format_html("<pre>{}</pre>", text)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "scope",
        "seq",
        "action",
        "object_repr",
        "actor_label",
        "via",
        "ip",
    ]
    list_filter = [ScopeFilter, "via"]
    search_fields = ["=object_pk", "=actor_label", "^action"]
    fields = [
        "scope",
        "seq",
        "created_at",
        "actor_user_id",
        "actor_label",
        "ip",
        "via",
        "action",
        "content_type",
        "object_pk",
        "object_repr",
        "before_display",
        "after_display",
        "prev_hash",
        "hash",
    ]
    readonly_fields = fields

    @admin.display(description=_("before"))
    def before_display(self, entry):
        return _pretty_json(entry.before)

    @admin.display(description=_("after"))
    def after_display(self, entry):
        return _pretty_json(entry.after)


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "content_type", "object_pk", "actor_label", "via", "ip"]
    list_filter = ["via"]
    search_fields = ["=object_pk", "=actor_label", "^action"]
    fields = [
        "created_at",
        "actor_user_id",
        "actor_label",
        "ip",
        "via",
        "action",
        "content_type",
        "object_pk",
    ]
    readonly_fields = fields
