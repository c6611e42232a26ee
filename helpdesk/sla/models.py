"""SLA configuration: business calendars and the policies that time tickets against them."""

from datetime import time
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import Channel, Priority, Weekday

MIDNIGHT = time(0)
SECONDS_PER_DAY = 24 * 3600


def validate_timezone(value: str) -> None:
    """Reject anything that is not an IANA time zone name such as Asia/Tehran."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("“%(value)s” is not a time zone name. Use a name such as Asia/Tehran or Europe/Berlin."),
            params={"value": value},
            code="invalid_timezone",
        ) from None


def validate_holiday_country(value: str) -> None:
    """Reject country codes the holidays package does not know."""
    if value and value not in holidays.list_supported_countries():
        raise ValidationError(
            _("There is no public-holiday list for “%(value)s”. Use a two-letter country code such as IR or SA."),
            params={"value": value},
            code="invalid_holiday_country",
        )


def _seconds(moment: time, *, end: bool = False) -> int:
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second
    return SECONDS_PER_DAY if end and moment == MIDNIGHT else seconds


def overlapping(rows) -> tuple | None:
    """Return the first two rows (with weekday, start, end) that share a weekday and overlap, or None."""
    spans = sorted(
        (row.weekday, _seconds(row.start), _seconds(row.end, end=True), index) for index, row in enumerate(rows)
    )
    for before, after in pairwise(spans):
        if before[0] == after[0] and after[1] < before[2]:
            return rows[before[3]], rows[after[3]]
    return None


class Hours(models.Model):
    """One opening interval on a weekday; several make a day, a day without any is closed."""

    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    start = models.TimeField(_("opens at"))
    end = models.TimeField(_("closes at"), help_text=_("00:00 means midnight at the end of the day."))

    # Admin inline formsets check a day's rows against each other instead of the stored ones.
    check_siblings = True

    class Meta:
        abstract = True
        ordering = ["weekday", "start"]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    def siblings(self) -> models.QuerySet:
        raise NotImplementedError

    def clean(self):
        if self.start is None or self.end is None:
            return
        if self.end != MIDNIGHT and self.end <= self.start:
            raise ValidationError(
                {"end": _("The closing time must be after the opening time (or 00:00 for midnight).")}
            )
        if self.weekday is None or not self.check_siblings:
            return
        others = [row for row in self.siblings().filter(weekday=self.weekday) if row.pk != self.pk]
        clash = overlapping([self, *others])
        if clash:
            other = clash[1] if clash[0] is self else clash[0]
            raise ValidationError(_("These hours overlap %(other)s."), params={"other": other}, code="overlap")


def hours_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(end__gt=models.F("start")) | models.Q(end=MIDNIGHT),
        name=name,
    )


class Calendar(models.Model):
    """Business hours in one time zone, with holidays and dated overrides."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text=_("The time zone the opening hours are in, e.g. Asia/Tehran or Asia/Riyadh."),
    )
    holiday_country = models.CharField(
        _("public holidays of"),
        max_length=3,
        blank=True,
        validators=[validate_holiday_country],
        help_text=_(
            "Two-letter country code, e.g. IR or SA. Its public holidays are closed days. Leave empty for none."
        ),
    )
    holiday_subdivision = models.CharField(
        _("region"),
        max_length=10,
        blank=True,
        help_text=_("Optional state or province code for regional holidays, e.g. BY for Bavaria."),
    )
    is_default = models.BooleanField(
        _("default calendar"),
        default=False,
        help_text=_("Used by SLA policies that do not name a calendar. Only one calendar can be the default."),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="sla_calendar_one_default"
            ),
        ]

    def __str__(self):
        if self.pk is None:
            return self.name
        open_days = set(self.hours.values_list("weekday", flat=True))
        closed = [str(label) for value, label in Weekday.choices if value not in open_days]
        if not closed:
            return f"{self.name} ({self.timezone})"
        return _("%(name)s (%(timezone)s; closed %(days)s)") % {
            "name": self.name,
            "timezone": self.timezone,
            "days": ", ".join(closed),
        }

    def get_constraints(self):
        # Marking a calendar as the default unsets the previous one (services.calendar_save), so the
        # one-default constraint is never a validation error, only a guard in the database.
        return [
            (model, [constraint for constraint in constraints if constraint.name != "sla_calendar_one_default"])
            for model, constraints in super().get_constraints()
        ]

    def clean(self):
        if self.holiday_subdivision:
            if not self.holiday_country:
                raise ValidationError({"holiday_subdivision": _("Choose the country of this region first.")})
            regions = holidays.list_supported_countries().get(self.holiday_country, [])
            if self.holiday_subdivision not in regions:
                message = _("This country has no region “%(value)s”.")
                raise ValidationError({"holiday_subdivision": message % {"value": self.holiday_subdivision}})


class CalendarHours(Hours):
    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="hours", verbose_name=_("calendar"))

    history = HistoricalRecords()

    class Meta(Hours.Meta):
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [hours_constraint("sla_calendar_hours_end_after_start")]

    def siblings(self):
        if not self.calendar_id:
            return CalendarHours.objects.none()
        return CalendarHours.objects.filter(calendar_id=self.calendar_id)


class CalendarClosedDate(models.Model):
    """A day the team does not work that the holiday list does not know, e.g. a company day off."""

    calendar = models.ForeignKey(
        Calendar, on_delete=models.CASCADE, related_name="closed_dates", verbose_name=_("calendar")
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="sla_closed_date_once")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}".strip()


class CalendarOverride(models.Model):
    """Different hours for a stretch of dates, e.g. shorter days in Ramadan."""

    check_siblings = True

    calendar = models.ForeignKey(
        Calendar, on_delete=models.CASCADE, related_name="overrides", verbose_name=_("calendar")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("E.g. “Ramadan 1447”."))
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("special hours")
        verbose_name_plural = _("special hours")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="sla_override_end_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.start_date:%Y-%m-%d} – {self.end_date:%Y-%m-%d})"

    def clean(self):
        if self.start_date is None or self.end_date is None:
            return
        if self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The last day cannot be before the first day.")})
        if self.calendar_id is None or not self.check_siblings:
            return
        clash = (
            CalendarOverride.objects.filter(
                calendar_id=self.calendar_id, start_date__lte=self.end_date, end_date__gte=self.start_date
            )
            .exclude(pk=self.pk)
            .first()
        )
        if clash:
            raise ValidationError(
                _("These dates overlap the special hours “%(other)s”."), params={"other": clash.name}, code="overlap"
            )


class CalendarOverrideHours(Hours):
    """Opening hours inside an override; a weekday without any is closed while the override lasts."""

    override = models.ForeignKey(
        CalendarOverride, on_delete=models.CASCADE, related_name="hours", verbose_name=_("special hours")
    )

    history = HistoricalRecords()

    class Meta(Hours.Meta):
        verbose_name = _("special opening hours")
        verbose_name_plural = _("special opening hours")
        constraints = [hours_constraint("sla_override_hours_end_after_start")]

    def siblings(self):
        if not self.override_id:
            return CalendarOverrideHours.objects.none()
        return CalendarOverrideHours.objects.filter(override_id=self.override_id)


class SlaPolicy(models.Model):
    """How quickly tickets of one priority (and optionally one channel) must be answered and solved."""

    name = models.CharField(_("name"), max_length=100)
    calendar = models.ForeignKey(
        Calendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="policies",
        verbose_name=_("calendar"),
        help_text=_("The business hours the clocks run in. Leave empty to use the default calendar."),
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
    channel = models.CharField(
        _("channel"),
        max_length=10,
        choices=Channel.choices,
        blank=True,
        help_text=_("Leave empty to cover every channel that has no policy of its own."),
    )
    first_response_minutes = models.PositiveIntegerField(
        _("first reply within (minutes)"),
        null=True,
        blank=True,
        help_text=_("Business minutes from the customer's first message to the first reply. Empty means no target."),
    )
    next_response_minutes = models.PositiveIntegerField(
        _("later replies within (minutes)"),
        null=True,
        blank=True,
        help_text=_("Business minutes from a customer's follow-up to the team's next reply. Empty means no target."),
    )
    resolution_minutes = models.PositiveIntegerField(
        _("solve within (minutes)"),
        null=True,
        blank=True,
        help_text=_("Business minutes from opening the ticket to solving it. Empty means no target."),
    )
    pause_on_pending = models.BooleanField(
        _("pause while waiting for the customer"),
        default=True,
        help_text=_("Clocks stand still while the ticket is pending."),
    )
    pause_on_on_hold = models.BooleanField(
        _("pause while on hold"),
        default=True,
        help_text=_("Clocks stand still while the ticket is on hold, e.g. waiting for a supplier."),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["priority", "channel"]
        constraints = [models.UniqueConstraint(fields=["priority", "channel"], name="sla_policy_priority_channel")]

    def __str__(self):
        return self.name
