"""Managers keep the survey settings and the exit reasons here, with history; answers are read-only."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from helpdesk.core.admin import ReadOnlyAdmin, SingletonHistoryAdmin
from helpdesk.credits.errors import CreditError
from helpdesk.credits.money import currency_check

from .models import ExitIntentAnswer, ExitReason, Survey, SurveyResponse, SurveySettings

FIELDSETS = [
    (_("After a purchase"), {"fields": ["post_purchase_enabled", "post_purchase_delay_days", "fatigue_days"]}),
    (_("After a ticket"), {"fields": ["ticket_rating_enabled", "ticket_rating_delay_hours", "rating_scale"]}),
    (_("Links"), {"fields": ["link_valid_days"]}),
    (
        _("Questions (empty: the built-in wording)"),
        {
            "fields": [
                "nps_question",
                "nps_question_ar",
                "nps_question_fa",
                "csat_question",
                "csat_question_ar",
                "csat_question_fa",
                "rating_question",
                "rating_question_ar",
                "rating_question_fa",
            ]
        },
    ),
    (
        _("Follow-up tickets"),
        {
            "fields": [
                "nps_follow_up_at_most",
                "csat_follow_up_at_most",
                "score_follow_up_priority",
                "exit_follow_up_priority",
            ]
        },
    ),
    (
        _("Exit-intent question in the chat widget"),
        {
            "fields": [
                "exit_intent_enabled",
                "exit_intent_question",
                "exit_intent_question_ar",
                "exit_intent_question_fa",
            ]
        },
    ),
    (
        _("Win-back credit for leaving customers"),
        {"fields": ["winback_enabled", "winback_amount", "winback_currency", "winback_reason"]},
    ),
]


class SurveySettingsForm(forms.ModelForm):
    class Meta:
        model = SurveySettings
        fields = [name for _title, options in FIELDSETS for name in options["fields"]]

    def clean_winback_currency(self):
        currency = self.cleaned_data["winback_currency"].strip()
        try:
            return currency_check(currency) if currency else ""
        except CreditError as error:
            raise forms.ValidationError(error.message) from None

    def clean(self):
        data = super().clean()
        complete = all(data.get(name) for name in ("winback_amount", "winback_currency", "winback_reason"))
        if data.get("winback_enabled") and not complete:
            raise forms.ValidationError(_("To offer win-back credit, give its amount, currency and reason."))
        return data


@admin.register(SurveySettings)
class SurveySettingsAdmin(SingletonHistoryAdmin):
    form = SurveySettingsForm
    fieldsets = FIELDSETS


@admin.register(ExitReason)
class ExitReasonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_ar", "name_fa", "code", "active", "offers_winback", "opens_follow_up", "position"]
    list_editable = ["active", "offers_winback", "opens_follow_up", "position"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "status", "skip_reason", "customer", "send_after", "sent_at"]
    list_filter = ["kind", "status", "skip_reason"]
    search_fields = ["customer__email", "customer__external_id", "order__external_id"]
    list_select_related = ["customer"]
    exclude = ["token_hash"]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "customer", "nps", "csat", "agent", "channel", "follow_up_ticket"]
    list_filter = ["kind", "channel"]
    search_fields = ["customer__email", "customer__external_id", "comment"]
    list_select_related = ["customer", "agent"]


@admin.register(ExitIntentAnswer)
class ExitIntentAnswerAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "reason", "locale", "page", "comment"]
    list_filter = ["reason", "locale"]
    search_fields = ["comment", "page"]
    exclude = ["visitor_hash"]
