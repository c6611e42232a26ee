from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Customer


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "email", "external_id", "locale", "created_at"]
    search_fields = ["name", "email", "external_id"]
    list_filter = ["locale"]
    readonly_fields = ["public_id", "created_at"]
