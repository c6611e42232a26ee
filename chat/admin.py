from django.contrib import admin

from helpdesk.core.admin import ReadOnlyAdmin, SingletonHistoryAdmin

from .models import ChatSettings, Conversation
from .services import chat_settings_save


@admin.register(ChatSettings)
class ChatSettingsAdmin(SingletonHistoryAdmin):
    fieldsets = [
        (None, {"fields": ["greeting_en", "greeting_ar", "greeting_fa"]}),
        (None, {"fields": ["handoff_keywords", "calendar"]}),
    ]

    def save_model(self, request, obj, form, change):
        chat_settings_save(settings_row=obj)


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    """A read-only record: chats change through the chat itself, never here."""

    list_display = ["public_id", "status", "locale", "customer", "assignee", "created_at", "ended_at", "rating"]
    list_filter = ["status", "locale"]
    list_select_related = ["customer", "assignee"]
    readonly_fields = [field.name for field in Conversation._meta.fields]
