from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def business_duration(seconds) -> str:
    """Business seconds as people read them: "2 h 15 min", "40 min"; "—" when there is none."""
    if seconds is None or seconds == "":
        return "—"
    minutes = int(seconds) // 60
    hours, minutes = divmod(minutes, 60)
    if hours:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)s min") % {"minutes": minutes}


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value}%"
