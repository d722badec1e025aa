from django.contrib import admin

from .models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The delivery log, read-only: what was sent to whom, and why a message failed."""

    list_display = ["created_at", "dossier", "event", "recipient", "status", "attempts"]
    list_filter = ["status", "event", "channel"]
    search_fields = ["dossier__code", "recipient"]
    list_select_related = ["dossier"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
