"""Admin building blocks shared by the apps."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin


class SingletonHistoryAdmin(SimpleHistoryAdmin):
    """Settings kept in one row: it can be changed (with history), never added twice or deleted."""

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not self.model.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record that changes only through its domain's services: shown, never edited here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
