from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    label = "surveys"
    verbose_name = _("Surveys")

    def ready(self):
        from helpdesk.core.defaults import defaults_restorer
        from helpdesk.orders.signals import order_status_changed
        from helpdesk.tickets.signals import ticket_event_recorded

        from .receivers import on_order_status_changed, on_ticket_event

        order_status_changed.connect(on_order_status_changed, dispatch_uid="surveys.post_purchase")
        ticket_event_recorded.connect(on_ticket_event, dispatch_uid="surveys.ticket_rating")
        for model in ("surveys.ExitReason", "surveys.SurveySettings"):
            restore = defaults_restorer("surveys.migrations.0002_defaults", model)
            post_migrate.connect(restore, sender=self, weak=False, dispatch_uid=f"surveys.defaults.{model}")

        from helpdesk.customers.record import RecordSection, record_section_register

        from .selectors import responses_for_customer

        record_section_register(
            RecordSection(
                key="surveys",
                template="surveys/staff/_record_section.html",
                context=lambda customer: {"responses": responses_for_customer(customer, limit=10)},
                order=40,
            )
        )
