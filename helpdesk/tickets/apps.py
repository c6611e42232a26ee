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
