from django import template

from helpdesk.core.dates import format_local_date, format_month
from helpdesk.core.money import format_money

register = template.Library()


@register.filter
def localdate(value, arg=""):
    """Render a date for the active language: `{{ order.placed_at|localdate }}`; `|localdate:"time"` adds the time."""
    if value in (None, ""):
        return ""
    return format_local_date(value, with_time=arg == "time")


@register.filter
def money(amount, currency):
    """Render an amount in the active language's way: `{{ entry.amount|money:account.currency }}`."""
    if amount in (None, "") or not currency:
        return ""
    return format_money(amount, currency)


@register.filter
def localmonth(value, arg=""):
    """Name the month a date falls in, in the active language's calendar: `{{ row.month|localmonth }}`."""
    if value in (None, ""):
        return ""
    return format_month(value, short=arg == "short")
