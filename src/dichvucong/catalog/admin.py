"""Admin of the procedure catalogue, scoped by the administrator's agencies.

- Province admins (and superusers) see every procedure and version, draft any of them and are
  the only ones who publish; agency admins see, draft and edit the versions whose competent
  agency is one of theirs (`user.agency_scope()`, as `accounts.permissions.can` reads it).
- A version is edited only while it is a draft: a published or superseded version, with its
  parts, shows read-only. New drafts come from the "Create a new draft" action or button, or
  with a new procedure.
- Every write goes through catalog.services (audited, derived columns kept in step); the
  admin's own model saving is not used.
- Procedures are exported (JSON, Excel, bundle) with actions and imported on their own page,
  through catalog.exporting and catalog.importing.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from dichvucong.accounts.permissions import can
from dichvucong.core.admin import AuditedModelAdmin, ValidValuesAutocompleteMixin
from dichvucong.core.errors import ServiceError
from dichvucong.core.text import fold

from . import formdefs, services
from .backoffice import procedures_announced_unpublished
from .forms import (
    ComponentForm,
    ProcedureAddForm,
    ProcedureChangeForm,
    ProcedureImportForm,
    VersionForm,
)
from .models import (
    Component,
    Fee,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    Sector,
    Step,
    TimeOption,
    VersionStatus,
)


def _scope(request) -> frozenset[int] | None:
    """The agencies whose procedures the user administers: None for the whole province."""
    if not hasattr(request, "_catalog_scope"):
        scope_of = getattr(request.user, "agency_scope", None)
        if request.user.is_superuser:
            request._catalog_scope = None
        else:
            request._catalog_scope = scope_of() if callable(scope_of) else frozenset()
    return request._catalog_scope


def _may_draft(request, version: ProcedureVersion) -> bool:
    return version.is_draft and can(request.user, "procedure.draft", version.competent_agency)


def _service_error_message(error: ServiceError | Exception) -> str:
    message = getattr(error, "message", None)
    if message is None:  # a ValidationError
        messages_ = getattr(error, "messages", None) or [str(error)]
        return " ".join(str(m) for m in messages_)
    return str(message)


# --- Sectors and fields ----------------------------------------------------------------------


@admin.register(Sector)
class SectorAdmin(AuditedModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    fields = ["code", "name"]

    def save_model(self, request, obj, form, change):
        if change:
            data = {name: form.cleaned_data[name] for name in form.changed_data}
            services.sector_update(sector=obj, actor=request.user, **data)
        else:
            created = services.sector_create(code=obj.code, name=obj.name, actor=request.user)
            obj.pk = created.pk


@admin.register(Field)
class FieldAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "sector"]
    list_filter = ["sector"]
    search_fields = ["code", "name", "sector__name"]
    list_select_related = ["sector"]
    fields = ["code", "name", "sector"]

    def save_model(self, request, obj, form, change):
        if change:
            data = {name: form.cleaned_data[name] for name in form.changed_data}
            services.field_update(field=obj, actor=request.user, **data)
        else:
            created = services.field_create(
                code=obj.code, name=obj.name, sector=obj.sector, actor=request.user
            )
            obj.pk = created.pk


# --- Procedures ------------------------------------------------------------------------------


class VersionListInline(admin.TabularInline):
    """A procedure's versions, newest first, each linking to its own page."""

    model = ProcedureVersion
    fields = ["version_link", "status", "name", "competent_agency", "published_at"]
    readonly_fields = fields
    ordering = ["-number"]
    extra = 0
    show_change_link = False
    verbose_name_plural = _("versions")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("competent_agency")

    @admin.display(description=_("version"))
    def version_link(self, obj):
        url = reverse("admin:catalog_procedureversion_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.number)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@admin.register(Procedure)
class ProcedureAdmin(AuditedModelAdmin):
    list_display = ["local_code", "current_name", "national_code", "published_number", "draft"]
    search_fields = ["local_code", "national_code", "dvc_code"]
    inlines = [VersionListInline]
    actions = ["export_json", "export_xlsx", "export_bundle"]
    change_list_template = "admin/catalog/procedure/change_list.html"

    def get_queryset(self, request):
        versions = ProcedureVersion.objects.filter(procedure=OuterRef("pk"))
        queryset = (
            super()
            .get_queryset(request)
            .annotate(
                current_name=Subquery(versions.order_by("-number").values("name")[:1]),
                published_number=Subquery(
                    versions.filter(status=VersionStatus.PUBLISHED).values("number")[:1]
                ),
                draft_number=Subquery(
                    versions.filter(status=VersionStatus.DRAFT).values("number")[:1]
                ),
                draft_pk=Subquery(versions.filter(status=VersionStatus.DRAFT).values("pk")[:1]),
            )
        )
        scope = _scope(request)
        if scope is None:
            return queryset
        return queryset.filter(Exists(versions.filter(competent_agency__in=scope)))

    @admin.display(description=_("name"))
    def current_name(self, obj):
        return getattr(obj, "current_name", None) or "—"

    @admin.display(description=_("published version"))
    def published_number(self, obj):
        return getattr(obj, "published_number", None) or "—"

    @admin.display(description=_("draft"))
    def draft(self, obj):
        number = getattr(obj, "draft_number", None)
        if not number:
            return "—"
        url = reverse("admin:catalog_procedureversion_change", args=[obj.draft_pk])
        return format_html(
            '<a href="{}">{}</a>', url, gettext("version %(number)s") % {"number": number}
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            form = ProcedureAddForm
            kwargs["fields"] = [
                "local_code",
                "national_code",
                "dvc_code",
                "name",
                "field",
                "competent_agency",
            ]
        else:
            form = ProcedureChangeForm
            kwargs["fields"] = ["national_code", "dvc_code"]
        kwargs["form"] = form
        base = super().get_form(request, obj, change=change, **kwargs)
        scope = _scope(request)

        if obj is not None:
            return base

        class ScopedForm(base):
            def __init__(self, *args, **kw):
                super().__init__(*args, scope=scope, **kw)

        return ScopedForm

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["local_code", "national_code", "dvc_code", "name", "field", "competent_agency"]
        return ["local_code", "national_code", "dvc_code", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["local_code", "created_at"]

    def get_inlines(self, request, obj):
        return [] if obj is None else self.inlines

    def save_model(self, request, obj, form, change):
        if change:
            data = {name: form.cleaned_data[name] for name in form.changed_data}
            services.procedure_update(procedure=obj, actor=request.user, **data)
            return
        procedure = services.procedure_create(
            local_code=form.cleaned_data["local_code"],
            national_code=form.cleaned_data["national_code"],
            dvc_code=form.cleaned_data["dvc_code"],
            actor=request.user,
        )
        competent = form.cleaned_data["competent_agency"]
        draft = services.version_create_draft(
            procedure=procedure,
            actor=request.user,
            initial={
                "name": form.cleaned_data["name"],
                "field": form.cleaned_data["field"],
                "competent_agency": competent,
                "receiving_agencies": [competent] if competent.receives_dossiers else [],
            },
        )
        obj.pk, obj.created_at = procedure.pk, procedure.created_at
        obj._state.adding = False
        request._catalog_new_draft = draft

    def save_related(self, request, form, formsets, change):
        # The versions inline is read-only and the first draft came with save_model: nothing
        # to save, and nothing for the admin's change message.
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def response_add(self, request, obj, post_url_continue=None):
        draft = getattr(request, "_catalog_new_draft", None)
        if draft is None:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(
            request,
            gettext("The procedure %(code)s was created with a first draft: complete it here.")
            % {"code": obj.local_code},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:catalog_procedureversion_change", args=[draft.pk])
        )

    def has_add_permission(self, request):
        return super().has_add_permission(request) and can(request.user, "procedure.draft")

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None:
            return True
        return can(request.user, "procedure.draft", services.procedure_agency(obj))

    def has_delete_permission(self, request, obj=None):
        return False  # a procedure lives on in its versions; drafts are discarded instead

    # --- Export and import (catalog.exporting, catalog.importing)

    @admin.action(description=_("Export the published versions as JSON"))
    def export_json(self, request, queryset):
        from .exporting import procedures_export_json

        return _download(
            procedures_export_json(queryset),
            filename="thu-tuc-hanh-chinh.json",
            content_type="application/json; charset=utf-8",
        )

    @admin.action(description=_("Export the published versions as Excel"))
    def export_xlsx(self, request, queryset):
        from .exporting import procedures_export_xlsx

        return _download(
            procedures_export_xlsx(queryset),
            filename="thu-tuc-hanh-chinh.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    @admin.action(description=_("Export the published versions with their forms (zip)"))
    def export_bundle(self, request, queryset):
        from .exporting import procedures_export_bundle

        return _download(
            procedures_export_bundle(queryset),
            filename="thu-tuc-hanh-chinh.zip",
            content_type="application/zip",
        )

    def get_urls(self):
        urls = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="catalog_procedure_import",
            )
        ]
        return urls + super().get_urls()

    def has_import_permission(self, request) -> bool:
        # Importing publishes new versions: the province's right.
        return can(request.user, "procedure.publish")

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_import": self.has_import_permission(request),
            "announced_url": reverse("admin:catalog_procedureversion_changelist")
            + f"?{AnnouncedUnpublishedFilter.parameter_name}=pending",
        }
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        report = None
        if request.method == "POST":
            form = ProcedureImportForm(request.POST, request.FILES)
            if form.is_valid():
                from .importing import procedures_import

                upload = form.cleaned_data["file"]
                report = procedures_import(
                    data=upload.read(), filename=upload.name, actor=request.user
                )
                level = messages.SUCCESS if not report.errors else messages.ERROR
                self.message_user(request, report.summary, level)
        else:
            form = ProcedureImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Import procedures"),
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "admin/catalog/procedure/import.html", context)


# --- Versions --------------------------------------------------------------------------------


class AnnouncedUnpublishedFilter(admin.SimpleListFilter):
    """Drafts announced by a decision but not yet published, oldest decision first (S10, S23)."""

    title = _("publication")
    parameter_name = "announced"

    def lookups(self, request, model_admin):
        return [("pending", _("Announced but not yet published"))]

    def queryset(self, request, queryset):
        if self.value() != "pending":
            return queryset
        pending = procedures_announced_unpublished(scope=_scope(request))
        return queryset.filter(pk__in=pending.values("pk"))


class VersionPartInline(admin.TabularInline):
    """A version's parts: editable only on a draft the user may draft."""

    extra = 0

    def _editable(self, request, obj) -> bool:
        return obj is not None and _may_draft(request, obj)

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if self._editable(request, obj) else 0

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_delete_permission(request, obj)


class TimeOptionInline(VersionPartInline):
    model = TimeOption
    fields = ["position", "label", "duration", "unit", "same_day", "cutoff"]


class FeeInline(VersionPartInline):
    model = Fee
    fields = ["position", "name", "amount", "unit", "cap", "conditions"]


class ComponentInline(VersionPartInline):
    model = Component
    form = ComponentForm
    fields = ["position", "name", "paper_form", "count", "mandatory", "template", "note"]


class StepInline(VersionPartInline):
    model = Step
    fields = ["position", "description"]


class ProcessStepInline(ValidValuesAutocompleteMixin, VersionPartInline):
    model = ProcessStep
    fields = [
        "position",
        "name",
        "at_receiving_agency",
        "agency",
        "role",
        "duration",
        "unit",
        "may_return",
    ]
    autocomplete_fields = ["agency"]


# model -> (add, update, delete, the keyword naming the part)
PART_SERVICES = {
    TimeOption: (
        services.time_option_add,
        services.time_option_update,
        services.time_option_delete,
        "time_option",
    ),
    Fee: (services.fee_add, services.fee_update, services.fee_delete, "fee"),
    Component: (
        services.component_add,
        services.component_update,
        services.component_delete,
        "component",
    ),
    Step: (services.step_add, services.step_update, services.step_delete, "step"),
    ProcessStep: (
        services.process_step_add,
        services.process_step_update,
        services.process_step_delete,
        "process_step",
    ),
}

VERSION_FIELDSETS = [
    (
        None,
        {
            "fields": [
                "procedure",
                "number",
                "status",
                "readiness",
                "name",
                "field",
                ("at_province", "at_district", "at_commune"),
                ("for_citizens", "for_organisations"),
            ]
        },
    ),
    (_("Agencies"), {"fields": ["competent_agency", "receiving_agencies"]}),
    (
        _("Online service and channels"),
        {"fields": ["online_level", ("channel_counter", "channel_post", "channel_online")]},
    ),
    (
        _("Content"),
        {"fields": ["conditions", "legal_basis", "result_document", "fee_note"]},
    ),
    (
        _("Announcement and records"),
        {
            "fields": [
                "announcing_decision_number",
                "announcing_decision_date",
                "retention_years",
            ]
        },
    ),
    (_("Sources"), {"fields": ["unverified", "sources"]}),
    (
        _("Application form"),
        {
            "fields": ["form", "form_preview"],
            "description": _(
                "The form as JSON (see catalog.formdefs); empty: the generic application with "
                "one file slot per component. Checked when saved."
            ),
        },
    ),
    (
        _("Publication"),
        {"fields": ["published_at", "published_by", "content_hash"]},
    ),
]
VERSION_READONLY = [
    "procedure",
    "number",
    "status",
    "readiness",
    "form_preview",
    "published_at",
    "published_by",
    "content_hash",
]


class VersionFormDefinitionForm(VersionForm):
    """The version's fields, and its form definition checked against its components."""

    def clean_form(self):
        definition = self.cleaned_data.get("form") or {}
        try:
            formdefs.validate_definition(definition, self.instance if self.instance.pk else None)
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return definition


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(AuditedModelAdmin):
    form = VersionFormDefinitionForm
    fieldsets = VERSION_FIELDSETS
    readonly_fields = VERSION_READONLY
    filter_horizontal = ["receiving_agencies"]
    inlines = [TimeOptionInline, FeeInline, ComponentInline, StepInline, ProcessStepInline]
    list_display = [
        "name",
        "procedure_code",
        "number",
        "status",
        "competent_agency",
        "announcing_decision_date",
        "published_at",
    ]
    list_display_links = ["name"]
    list_filter = [
        AnnouncedUnpublishedFilter,
        "status",
        "online_level",
        ("competent_agency", admin.RelatedOnlyFieldListFilter),
        ("field__sector", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["procedure", "competent_agency"]
    search_fields = ["procedure__local_code"]
    search_help_text = _("Name (with or without diacritics) or procedure code.")
    actions = ["publish_versions", "create_drafts"]
    change_form_template = "admin/catalog/procedureversion/change_form.html"
    show_full_result_count = False

    def audit_scope(self, obj) -> str:
        return obj.competent_agency.code

    def get_queryset(self, request):
        queryset = (
            super().get_queryset(request).select_related("procedure", "competent_agency", "field")
        )
        scope = _scope(request)
        if scope is None:
            return queryset
        return queryset.filter(competent_agency__in=scope)

    def get_ordering(self, request):
        if request.GET.get(AnnouncedUnpublishedFilter.parameter_name) == "pending":
            return ["announcing_decision_date", "pk"]
        return ["procedure__local_code", "-number"]

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        # Names are matched folded, as people type them: "dang ky" finds "Đăng ký".
        folded = fold(term)
        matches = queryset.filter(procedure__local_code__istartswith=term) | queryset.filter(
            search_name__contains=folded
        )
        if term.count(".") == 1 and len(term) == 8:
            matches = matches | queryset.filter(procedure__national_code=term)
        return matches, False

    @admin.display(description=_("procedure"), ordering="procedure__local_code")
    def procedure_code(self, obj):
        return obj.procedure.local_code

    @admin.display(description=_("ready to publish"))
    def readiness(self, obj):
        if obj is None or obj.pk is None or not obj.is_draft:
            return "—"
        missing = services.version_missing_parts(obj)
        if not missing:
            return gettext("Yes: every mandatory part is present.")
        return format_html(
            "{}<ul>{}</ul>",
            gettext("Not yet. Missing:"),
            format_html_join("", "<li>{}</li>", ((part,) for part in missing)),
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)
        scope = _scope(request)

        class ScopedForm(base):
            def __init__(self, *args, **kw):
                super().__init__(*args, scope=scope, **kw)

        return ScopedForm

    @admin.display(description=_("preview"))
    def form_preview(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}" target="_blank">{}</a>',
            reverse("admin:catalog_procedureversion_form_preview", args=[obj.pk]),
            gettext("See the form as the applicant will (saved version)"),
        )

    def form_preview_view(self, request, object_id):
        version = self._version_or_404(request, object_id)
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "version": version,
            "title": gettext("Form preview: %(version)s") % {"version": version},
            "definition": formdefs.definition_for(version),
            "generic": not version.form,
            "form": formdefs.form_for_version(version),
            "file_slots": formdefs.file_slots(version),
            "allow_template_upload": formdefs.allows_template_upload(version),
        }
        return TemplateResponse(
            request, "admin/catalog/procedureversion/form_preview.html", context
        )

    # --- Rights: a draft in scope is editable; every other version reads only

    def has_add_permission(self, request):
        return False  # drafts come from "Create a new draft" or with a new procedure

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or _may_draft(request, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or _may_draft(request, obj)

    def has_publish_permission(self, request, obj=None) -> bool:
        return can(request.user, "procedure.publish", obj.competent_agency if obj else None)

    def has_draft_permission(self, request, obj=None) -> bool:
        return can(request.user, "procedure.draft", obj.competent_agency if obj else None)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # only drafts are discarded, one at a time
        return actions

    # --- Writes through the services

    def save_model(self, request, obj, form, change):
        data = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.VERSION_EDITABLE
        }
        if "receiving_agencies" in data:
            data["receiving_agencies"] = list(data["receiving_agencies"])
        services.version_update(version=obj, actor=request.user, **data)

    def save_related(self, request, form, formsets, change):
        version = form.instance
        for formset in formsets:
            add, update, delete, keyword = PART_SERVICES[formset.model]
            editable = services.PART_EDITABLE[formset.model]
            # What formset.save() would have recorded, for the admin's change message.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            for part_form in formset.initial_forms:
                part = part_form.instance
                if formset.can_delete and part_form.cleaned_data.get("DELETE"):
                    delete(**{keyword: part, "actor": request.user})
                    formset.deleted_objects.append(part)
                elif part_form.has_changed():
                    data = {
                        name: part_form.cleaned_data[name]
                        for name in part_form.changed_data
                        if name in editable
                    }
                    updated = update(**{keyword: part, "actor": request.user}, **data)
                    formset.changed_objects.append((updated, list(data)))
            for part_form in formset.extra_forms:
                if not part_form.has_changed() or part_form.cleaned_data.get("DELETE"):
                    continue
                data = {
                    name: value
                    for name, value in part_form.cleaned_data.items()
                    if name in editable
                }
                formset.new_objects.append(add(version=version, actor=request.user, **data))

    def delete_model(self, request, obj):
        services.version_discard_draft(version=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for version in queryset:
            services.version_discard_draft(version=version, actor=request.user)

    # --- Publishing and new drafts: list actions and buttons on a version's page

    def _publish(self, request, version) -> bool:
        try:
            services.version_publish(version=version, actor=request.user)
        except ServiceError as error:
            self.message_user(
                request,
                gettext("%(version)s: %(reason)s")
                % {"version": version, "reason": _service_error_message(error)},
                messages.ERROR,
            )
            return False
        for warning in services.version_publish_warnings(version):
            self.message_user(
                request,
                gettext("%(version)s: %(reason)s") % {"version": version, "reason": warning},
                messages.WARNING,
            )
        return True

    def _create_draft(self, request, version):
        try:
            return services.version_create_draft(
                procedure=version.procedure, from_version=version, actor=request.user
            )
        except ServiceError as error:
            self.message_user(
                request,
                gettext("%(version)s: %(reason)s")
                % {"version": version, "reason": _service_error_message(error)},
                messages.ERROR,
            )
            return None

    @admin.action(description=_("Publish the selected drafts"), permissions=["publish"])
    def publish_versions(self, request, queryset):
        published = sum(self._publish(request, version) for version in queryset)
        if published:
            self.message_user(
                request,
                ngettext(
                    "%(count)s version was published.",
                    "%(count)s versions were published.",
                    published,
                )
                % {"count": published},
                messages.SUCCESS,
            )

    @admin.action(
        description=_("Create a new draft from the selected versions"), permissions=["draft"]
    )
    def create_drafts(self, request, queryset):
        drafts = [d for d in (self._create_draft(request, v) for v in queryset) if d]
        if len(drafts) == 1:
            self.message_user(request, gettext("The new draft is ready to edit."), messages.SUCCESS)
            return HttpResponseRedirect(
                reverse("admin:catalog_procedureversion_change", args=[drafts[0].pk])
            )
        if drafts:
            self.message_user(
                request,
                ngettext(
                    "%(count)s draft was created.", "%(count)s drafts were created.", len(drafts)
                )
                % {"count": len(drafts)},
                messages.SUCCESS,
            )
        return None

    def get_urls(self):
        return [
            path(
                "<path:object_id>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="catalog_procedureversion_publish",
            ),
            path(
                "<path:object_id>/form-preview/",
                self.admin_site.admin_view(self.form_preview_view),
                name="catalog_procedureversion_form_preview",
            ),
            path(
                "<path:object_id>/new-draft/",
                self.admin_site.admin_view(self.new_draft_view),
                name="catalog_procedureversion_new_draft",
            ),
            *super().get_urls(),
        ]

    def _version_or_404(self, request, object_id) -> ProcedureVersion:
        # get_object() answers None for an id of the wrong type (a word, a NUL, a huge number)
        # where a bare get(pk=...) raised ValueError: a 500.
        version = self.get_object(request, unquote(object_id))
        if version is None:
            raise Http404
        return version

    def _version_for_post(self, request, object_id) -> ProcedureVersion:
        if request.method != "POST":
            raise _NotPost
        version = self._version_or_404(request, object_id)
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        return version

    def publish_view(self, request, object_id):
        try:
            version = self._version_for_post(request, object_id)
        except _NotPost:
            return HttpResponseNotAllowed(["POST"])
        if not self.has_publish_permission(request, version):
            raise PermissionDenied
        if self._publish(request, version):
            self.message_user(
                request,
                gettext("%(version)s was published.") % {"version": version},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse("admin:catalog_procedureversion_change", args=[version.pk])
        )

    def new_draft_view(self, request, object_id):
        try:
            version = self._version_for_post(request, object_id)
        except _NotPost:
            return HttpResponseNotAllowed(["POST"])
        if not self.has_draft_permission(request, version):
            raise PermissionDenied
        draft = self._create_draft(request, version)
        target = draft or version
        if draft:
            self.message_user(request, gettext("The new draft is ready to edit."), messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:catalog_procedureversion_change", args=[target.pk])
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(
                {
                    "may_publish": obj.is_draft and self.has_publish_permission(request, obj),
                    "may_create_draft": not obj.is_draft
                    and self.has_draft_permission(request, obj)
                    and not obj.procedure.versions.filter(status=VersionStatus.DRAFT).exists(),
                }
            )
        return super().render_change_form(request, context, add, change, form_url, obj)


class _NotPost(Exception):
    pass
