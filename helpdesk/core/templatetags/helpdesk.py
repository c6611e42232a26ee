from django import template

from helpdesk.core.dates import format_local_date

register = template.Library()


@register.filter
def localdate(value, arg=""):
    """Render a date for the active language: `{{ order.placed_at|localdate }}`; `|localdate:"time"` adds the time."""
    if value in (None, ""):
        return ""
    return format_local_date(value, with_time=arg == "time")
