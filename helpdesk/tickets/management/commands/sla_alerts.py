from django.core.management.base import BaseCommand

from helpdesk.tickets.alerts import sla_alerts_run


class Command(BaseCommand):
    help = "Warn agents about tickets whose SLA is about to be breached, and alert them on breaches (run every minute)."

    def handle(self, *args, **options):
        summary = sla_alerts_run()
        self.stdout.write(f"SLA alerts: {summary.warned} warned, {summary.breached} breached.")
