"""Choices the SLA configuration shares with tickets (the tickets app reuses them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Priority(models.TextChoices):
    LOW = "low", pgettext_lazy("priority", "Low")
    NORMAL = "normal", pgettext_lazy("priority", "Normal")
    HIGH = "high", pgettext_lazy("priority", "High")
    URGENT = "urgent", pgettext_lazy("priority", "Urgent")


class Channel(models.TextChoices):
    WEB = "web", pgettext_lazy("channel", "Web")
    EMAIL = "email", pgettext_lazy("channel", "Email")
    CHAT = "chat", pgettext_lazy("channel", "Chat")
    API = "api", pgettext_lazy("channel", "API")
    SURVEY = "survey", pgettext_lazy("channel", "Survey")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
