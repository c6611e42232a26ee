"""Django admin: macros, teams and tags are set up here; tickets are only looked at (changes go through services)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Macro, MacroText, Tag, Team, Ticket


class MacroTextInline(admin.StackedInline):
    """A macro's texts are part of the macro: whoever may edit macros may edit them."""

    model = MacroText
    extra = 1
    fields = ["locale", "body"]

    def _may(self, request, action: str) -> bool:
        return request.user.has_perm(f"tickets.{action}_macro")

    def has_view_permission(self, request, obj=None):
        return self._may(request, "view") or self._may(request, "change")

    def has_add_permission(self, request, obj=None):
        return self._may(request, "add") or self._may(request, "change")

    def has_change_permission(self, request, obj=None):
        return self._may(request, "change") or (obj is None and self._may(request, "add"))

    def has_delete_permission(self, request, obj=None):
        return self._may(request, "change")


@admin.register(Macro)
class MacroAdmin(SimpleHistoryAdmin):
    list_display = ["name", "set_status", "set_priority", "active"]
    list_filter = ["active", "set_status", "set_priority"]
    search_fields = ["name", "texts__body"]
    filter_horizontal = ["add_tags"]
    inlines = [MacroTextInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["members"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Ticket)
class TicketAdmin(SimpleHistoryAdmin):
    """A read-only audit view: every change to a ticket goes through the ticket services."""

    list_display = ["id", "subject", "customer", "status", "priority", "assignee", "created_at", "sla_due_at"]
    list_filter = ["status", "priority", "channel", "locale", "sla_breached"]
    search_fields = ["=id", "subject", "customer__email", "customer__name"]
    list_select_related = ["customer", "assignee"]
    date_hierarchy = "created_at"
    readonly_fields = ["inbox_link"]
    exclude = ["search_text"]

    @admin.display(description=_("Ticket page"))
    def inbox_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("inbox:detail", kwargs={"pk": obj.pk}), _("Open in the inbox")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
