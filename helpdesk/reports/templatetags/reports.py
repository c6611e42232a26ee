from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
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


@register.simple_tag
def part_of_whole_cell(rate) -> str:
    """A table cell for a rate with `part`, `whole` and `percent`: "60.0% 18 of 30", "—" when nothing was counted.

    A tag rather than an included template: the help-centre dashboard has a few hundred of them.
    """
    if not rate.whole:
        return mark_safe("<td>—</td>")
    counts = _("%(part)s of %(whole)s") % {"part": rate.part, "whole": rate.whole}
    return format_html('<td><bdi class="ltr">{}</bdi>\n  <span>{}</span></td>', percent(rate.percent), counts)
