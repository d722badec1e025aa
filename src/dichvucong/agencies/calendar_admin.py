"""Admin of the working calendars: the province's and agencies' overrides, with their days inline.

Every change is audited (AuditedModelAdmin) and, once committed, invalidates the cached
calendars so the next due date is computed on the new days. Imported by agencies/admin.py.

Scoped like the agencies admin: a superuser or province admin edits every calendar; an agency
admin sees the province calendar read-only and edits the calendars of their own agencies.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dichvucong.core.admin import AuditedModelAdmin
from dichvucong.core.constants import PROVINCE_SCOPE

from . import selectors
from .calendar_selectors import parse_weekend_days
from .calendar_services import calendar_cache_bump
from .models import Agency, CalendarDay, WorkCalendar

# Day first, as Vietnamese readers write it; ISO for what the admin's date widget renders.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]


def _scope(request) -> frozenset[int] | None:
    # The same attribute as agencies/admin.py: computed once per request.
    if not hasattr(request, "_agency_admin_scope"):
        request._agency_admin_scope = selectors.agency_scope_ids(user=request.user)
    return request._agency_admin_scope


def _may_edit(request, calendar: WorkCalendar | None) -> bool:
    """Province-wide users edit every calendar; agency admins only their agencies' own."""
    scope = _scope(request)
    return scope is None or calendar is None or calendar.agency_id in scope


class CalendarDayForm(forms.ModelForm):
    date = forms.DateField(
        label=_("date"),
        input_formats=DATE_INPUT_FORMATS,
        error_messages={
            "invalid": _("Enter a real date as day/month/year, for example 02/09/2026."),
            "required": _("Enter the date."),
        },
        widget=admin.widgets.AdminDateWidget,
    )

    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name"]


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    form = CalendarDayForm
    fields = ["date", "kind", "name", "source"]
    readonly_fields = ["source"]
    extra = 1

    # The days belong to the calendar: whoever may not edit it may not edit them.
    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and _may_edit(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and _may_edit(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and _may_edit(request, obj)


class WorkCalendarForm(forms.ModelForm):
    class Meta:
        model = WorkCalendar
        fields = [
            "name",
            "is_province",
            "agency",
            "morning_start",
            "morning_end",
            "afternoon_start",
            "afternoon_end",
            "weekend_days",
        ]

    def clean_weekend_days(self) -> str:
        value = self.cleaned_data["weekend_days"]
        try:
            days = parse_weekend_days(value)
        except ValueError:
            raise forms.ValidationError(
                _(
                    "Write the weekend as weekday numbers separated by commas, from 0 (Monday) "
                    "to 6 (Sunday), for example 5,6."
                ),
                code="invalid_weekend_days",
            ) from None
        return ",".join(str(day) for day in sorted(days))


@admin.register(WorkCalendar)
class WorkCalendarAdmin(AuditedModelAdmin):
    form = WorkCalendarForm
    inlines = [CalendarDayInline]
    list_display = ["name", "agency", "is_province", "weekend_days"]
    list_select_related = ["agency"]
    fieldsets = [
        (None, {"fields": ["name", "is_province", "agency"]}),
        (
            _("Sessions"),
            {"fields": ["morning_start", "morning_end", "afternoon_start", "afternoon_end"]},
        ),
        (None, {"fields": ["weekend_days"]}),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scope = _scope(request)
        if scope is None:
            return queryset
        return queryset.filter(Q(is_province=True) | Q(agency_id__in=scope))

    def get_readonly_fields(self, request, obj=None):
        if _scope(request) is None:
            return super().get_readonly_fields(request, obj)
        return ["is_province"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope = _scope(request)
        if db_field.name == "agency" and scope is not None:
            kwargs["queryset"] = Agency.objects.filter(pk__in=scope)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request) -> bool:
        scope = _scope(request)
        return super().has_add_permission(request) and (scope is None or bool(scope))

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and _may_edit(request, obj)

    def audit_scope(self, obj) -> str:
        if isinstance(obj, WorkCalendar) and obj.agency_id is not None:
            return obj.agency.code
        return PROVINCE_SCOPE

    def has_delete_permission(self, request, obj=None) -> bool:
        # The province calendar carries every public holiday: it is edited, never deleted.
        if obj is not None and obj.is_province:
            return False
        return super().has_delete_permission(request, obj) and _may_edit(request, obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is CalendarDay:
            # A day an administrator edited is theirs now: the culture-day switch and reseeding
            # leave it alone.
            for day_form in formset.forms:
                if day_form.instance.pk and day_form.has_changed():
                    day_form.instance.source = CalendarDay.Source.MANUAL
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        transaction.on_commit(calendar_cache_bump)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(calendar_cache_bump)

    def delete_queryset(self, request, queryset):
        if queryset.filter(is_province=True).exists():
            self.message_user(
                request,
                _("The province calendar cannot be deleted; nothing was deleted."),
                level=messages.ERROR,
            )
            return
        super().delete_queryset(request, queryset)
        transaction.on_commit(calendar_cache_bump)
