from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "helpdesk.tickets"
    label = "tickets"
    verbose_name = _("Tickets")

    def ready(self):
        from helpdesk.sla.signals import sla_configuration_changed

        from .tasks import on_sla_configuration_changed

        sla_configuration_changed.connect(on_sla_configuration_changed, dispatch_uid="tickets.sla_recompute")

        from helpdesk.customers.record import RecordSection, record_section_register

        from .selectors import tickets_for_customer

        record_section_register(
            RecordSection(
                key="tickets",
                template="tickets/staff/_customer_tickets.html",
                context=lambda customer: {"tickets": list(tickets_for_customer(customer)[:20])},
                order=10,
            )
        )
