from django.contrib import admin

from .models import Rating


def _province_wide(request) -> bool:
    user = request.user
    return user.is_active and (user.is_superuser or user.is_province_admin)


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """Ratings, read-only, for the province's administrators (statistics and quality review)."""

    list_display = ["rated_at", "dossier", "agency", "convenience", "overall", "via"]
    list_filter = ["convenience", "overall", "via"]
    search_fields = ["=dossier__code"]
    list_select_related = ["dossier", "agency"]
    readonly_fields = [
        "dossier",
        "agency",
        "convenience",
        "overall",
        "comment",
        "rated_at",
        "rated_by",
        "via",
    ]
    fields = readonly_fields
    show_full_result_count = False

    def has_module_permission(self, request):
        return _province_wide(request)

    def has_view_permission(self, request, obj=None):
        return _province_wide(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
