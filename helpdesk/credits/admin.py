"""Managers keep the reason list and the limits here; the ledger itself is read-only everywhere."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from helpdesk.core.admin import ReadOnlyAdmin

from .models import CreditAccount, CreditEntry, CreditLimit, CreditReason, CreditRequest


@admin.register(CreditReason)
class CreditReasonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_ar", "name_fa", "code", "active", "position"]
    list_editable = ["active", "position"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(CreditLimit)
class CreditLimitAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "role", "user", "currency", "per_grant", "per_30_days"]
    list_filter = ["role", "currency"]
    raw_id_fields = ["user"]


@admin.register(CreditAccount)
class CreditAccountAdmin(ReadOnlyAdmin):
    list_display = ["customer", "currency", "balance", "updated_at"]
    search_fields = ["customer__email", "customer__external_id"]
    list_select_related = ["customer"]


@admin.register(CreditEntry)
class CreditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "amount", "balance_after", "account", "actor_label", "order"]
    list_filter = ["kind"]
    search_fields = ["account__customer__email", "account__customer__external_id", "order", "public_id"]
    list_select_related = ["account__customer"]


@admin.register(CreditRequest)
class CreditRequestAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "customer", "amount", "currency", "requested_by", "status", "decided_by"]
    list_filter = ["status"]
    list_select_related = ["customer", "requested_by", "decided_by"]
