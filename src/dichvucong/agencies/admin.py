"""Admin of units and agencies, scoped by the user's agencies.

A superuser or a province admin (`user.agency_scope()` returns None) sees and edits everything.
An agency admin (`agency_scope()` returns agency ids) sees their agencies and sub-agencies and
edits only their desk contacts; units are the province's reference data, read-only to them.
A user object without `agency_scope` sees nothing unless it is a superuser. The calendar models
are registered by agencies/calendar_admin.py.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dichvucong.core.admin import AuditedModelAdmin

from . import selectors
from .labels import AGENCY_LABELS
from .models import AdministrativeUnit, Agency

# What an agency admin may change on their own agency (seed S25: they publish their desk).
AGENCY_ADMIN_EDITABLE = (
    "short_name",
    "receives_dossiers",
    "desk_name",
    "desk_address",
    "desk_phone",
    "desk_email",
    "desk_opening_hours",
)


def _scope(request) -> frozenset[int] | None:
    # Computed once per request: the changelist asks for it many times.
    if not hasattr(request, "_agency_admin_scope"):
        request._agency_admin_scope = selectors.agency_scope_ids(user=request.user)
    return request._agency_admin_scope


def _is_province_wide(request) -> bool:
    return _scope(request) is None


class ValidityFilter(admin.SimpleListFilter):
    title = _("validity")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [
            ("active", _("In force today")),
            ("closed", pgettext_lazy("validity", "Closed")),
            ("future", _("Not yet in force")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "active":
            return queryset.active(today)
        if self.value() == "closed":
            return queryset.filter(valid_to__lt=today)
        if self.value() == "future":
            return queryset.filter(valid_from__gt=today)
        return queryset


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(AuditedModelAdmin):
    # Units are the province's reference data: the default "province" audit scope.
    list_display = ("code", "name", "level", "kind", "parent", "valid_from", "valid_to")
    list_filter = ("level", ValidityFilter)
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent", "successor")
    fieldsets = (
        (None, {"fields": ("code", "name", "level", "kind", "parent")}),
        (_("Validity"), {"fields": ("valid_from", "valid_to", "successor")}),
    )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scope = _scope(request)
        if scope is None:
            return queryset
        return queryset.filter(agencies__in=scope).distinct()

    def has_add_permission(self, request):
        return _is_province_wide(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return _is_province_wide(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_province_wide(request) and super().has_delete_permission(request, obj)


@admin.register(Agency)
class AgencyAdmin(AuditedModelAdmin):
    list_display = (
        "code",
        "name",
        "level",
        "unit",
        "receives_dossiers",
        "valid_from",
        "valid_to",
    )
    list_filter = ("level", "receives_dossiers", ValidityFilter)
    search_fields = ("code", "name", "short_name")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit", "parent", "successor")
    ordering = ("code",)
    fieldsets = (
        (None, {"fields": ("code", "name", "short_name", "level", "unit", "parent")}),
        (
            _("One-stop desk"),
            {
                "fields": (
                    "receives_dossiers",
                    "desk_name",
                    "desk_address",
                    "desk_phone",
                    "desk_email",
                    "desk_opening_hours",
                )
            },
        ),
        (_("Validity"), {"fields": ("valid_from", "valid_to", "successor")}),
    )

    def audit_scope(self, obj: Agency) -> str:
        return obj.code

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"code", "name"} & set(form.changed_data):
            AGENCY_LABELS.forget([obj.pk])  # public pages print them from the cache

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scope = _scope(request)
        if scope is None:
            return queryset
        return queryset.filter(Q(pk__in=scope))

    def get_readonly_fields(self, request, obj=None):
        if _is_province_wide(request):
            return ()
        return tuple(
            name
            for fieldset in self.fieldsets
            for name in fieldset[1]["fields"]
            if name not in AGENCY_ADMIN_EDITABLE
        )

    def has_add_permission(self, request):
        return _is_province_wide(request) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return _is_province_wide(request) and super().has_delete_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        scope = _scope(request)
        return scope is None or obj is None or obj.pk in scope

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request, obj):
            return False
        scope = _scope(request)
        return scope is None or obj is None or obj.pk in scope


from . import calendar_admin  # noqa: E402,F401  (the calendar's admin lives beside it)
