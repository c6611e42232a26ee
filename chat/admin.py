from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ChatSettings, Conversation
from .services import chat_settings_save


@admin.register(ChatSettings)
class ChatSettingsAdmin(SimpleHistoryAdmin):
    fieldsets = [
        (None, {"fields": ["greeting_en", "greeting_ar", "greeting_fa"]}),
        (None, {"fields": ["handoff_keywords", "calendar"]}),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not ChatSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        chat_settings_save(settings_row=obj)


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    """A read-only record: chats change through the chat itself, never here."""

    list_display = ["public_id", "status", "locale", "customer", "assignee", "created_at", "ended_at", "rating"]
    list_filter = ["status", "locale"]
    list_select_related = ["customer", "assignee"]
    readonly_fields = [field.name for field in Conversation._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
