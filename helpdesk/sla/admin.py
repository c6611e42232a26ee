from itertools import pairwise

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from helpdesk.core.dates import format_local_date

from .choices import Weekday
from .models import (
    Calendar,
    CalendarClosedDate,
    CalendarHours,
    CalendarOverride,
    CalendarOverrideHours,
    SlaPolicy,
    overlapping,
)
from .selectors import upcoming_holidays
from .services import (
    calendar_delete,
    calendar_override_delete,
    calendar_override_save,
    calendar_save,
    calendar_touch,
    policy_delete,
    policy_save,
)


class SiblingsCheckedTogetherForm(forms.ModelForm):
    """Leave the overlap check to the formset, which sees every row being submitted."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.check_siblings = False


class HoursFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        rows = [
            form.instance
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.instance.start and form.instance.end
        ]
        clash = overlapping(rows)
        if clash:
            message = _("%(first)s overlaps %(second)s.")
            raise ValidationError(message, params={"first": clash[0], "second": clash[1]}, code="overlap")


class OverrideFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        spans = sorted(
            (form.cleaned_data["start_date"], form.cleaned_data["end_date"], form.cleaned_data.get("name", ""))
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("start_date")
        )
        for before, after in pairwise(spans):
            if after[0] <= before[1]:
                message = _("“%(first)s” and “%(second)s” overlap.")
                raise ValidationError(message, params={"first": before[2], "second": after[2]}, code="overlap")


class CalendarHoursInline(admin.TabularInline):
    model = CalendarHours
    form = SiblingsCheckedTogetherForm
    formset = HoursFormSet
    extra = 0
    verbose_name_plural = _("Opening hours (a day without hours is closed, e.g. the weekend)")


class CalendarClosedDateInline(admin.TabularInline):
    model = CalendarClosedDate
    extra = 0
    verbose_name_plural = _("Extra closed days (public holidays are added automatically)")


class CalendarOverrideInline(admin.TabularInline):
    model = CalendarOverride
    form = SiblingsCheckedTogetherForm
    formset = OverrideFormSet
    extra = 0
    show_change_link = True
    verbose_name_plural = _("Special hours (open the row to set its hours; a day without hours is closed)")


@admin.register(Calendar)
class CalendarAdmin(SimpleHistoryAdmin):
    list_display = ["name", "timezone", "holiday_country", "is_default", "updated_at"]
    readonly_fields = ["closed_weekdays", "upcoming_holidays"]
    fields = ["name", "timezone", "holiday_country", "holiday_subdivision", "is_default", "closed_weekdays"]
    inlines = [CalendarHoursInline, CalendarClosedDateInline, CalendarOverrideInline]

    def get_fields(self, request, obj=None):
        return [*self.fields, "upcoming_holidays"] if obj else self.fields

    @admin.display(description=_("closed every week"))
    def closed_weekdays(self, obj):
        open_days = set(obj.hours.values_list("weekday", flat=True)) if obj and obj.pk else set()
        return ", ".join(str(label) for value, label in Weekday.choices if value not in open_days) or "—"

    @admin.display(description=_("closed days in the next year"))
    def upcoming_holidays(self, obj):
        days = upcoming_holidays(obj, start=timezone.localdate())
        if not days:
            return "—"
        items = format_html_join("", "<li>{}: <bdi>{}</bdi></li>", ((format_local_date(d), name) for d, name in days))
        return format_html("<ul>{}</ul>", items)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        calendar_save(calendar=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if any(formset.has_changed() for formset in formsets):
            calendar_touch(calendar=form.instance)

    def delete_model(self, request, obj):
        calendar_delete(calendar=obj)

    def delete_queryset(self, request, queryset):
        for calendar in queryset:
            calendar_delete(calendar=calendar)


class CalendarOverrideHoursInline(admin.TabularInline):
    model = CalendarOverrideHours
    form = SiblingsCheckedTogetherForm
    formset = HoursFormSet
    extra = 0
    verbose_name_plural = _("Opening hours while these special hours last (a day without hours is closed)")


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(SimpleHistoryAdmin):
    list_display = ["name", "calendar", "start_date", "end_date"]
    list_filter = ["calendar"]
    inlines = [CalendarOverrideHoursInline]

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        calendar_override_save(override=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if any(formset.has_changed() for formset in formsets):
            calendar_touch(calendar=form.instance.calendar)

    def delete_model(self, request, obj):
        calendar_override_delete(override=obj)

    def delete_queryset(self, request, queryset):
        for override in queryset:
            calendar_override_delete(override=override)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "priority",
        "channel",
        "calendar",
        "first_response_minutes",
        "next_response_minutes",
        "resolution_minutes",
    ]
    list_filter = ["priority", "channel"]

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        policy_save(policy=obj)

    def delete_model(self, request, obj):
        policy_delete(policy=obj)

    def delete_queryset(self, request, queryset):
        for policy in queryset:
            policy_delete(policy=policy)
