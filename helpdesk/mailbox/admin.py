from django.contrib import admin

from .models import InboundEmail


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    """What happened to each received email, for a manager asking why a message made no ticket."""

    list_display = ["received_at", "sender", "subject", "outcome", "reason", "ticket"]
    list_filter = ["outcome", "reason"]
    search_fields = ["sender", "subject", "message_id"]
    date_hierarchy = "received_at"
    readonly_fields = [field.name for field in InboundEmail._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
