from django.contrib import admin

from .models import GeneratedDocument


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(admin.ModelAdmin):
    """Read-only: documents are made by document_render, never edited by hand."""

    list_display = ["dossier", "kind", "form_number", "rule_set", "rendered_at"]
    list_filter = ["kind", "rule_set"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier", "rule_set"]
    readonly_fields = [f.name for f in GeneratedDocument._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
