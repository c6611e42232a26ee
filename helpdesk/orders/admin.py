from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Order, OrderLine


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0


@admin.register(Order)
class OrderAdmin(SimpleHistoryAdmin):
    list_display = ["external_id", "customer", "status", "total", "currency", "placed_at"]
    list_filter = ["status", "currency"]
    search_fields = ["external_id", "customer__email", "customer__external_id"]
    raw_id_fields = ["customer"]
    readonly_fields = ["public_id"]
    inlines = [OrderLineInline]
