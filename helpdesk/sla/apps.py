from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "helpdesk.sla"
    label = "sla"
    verbose_name = _("Service levels")

    def ready(self):
        from helpdesk.core.defaults import defaults_restorer

        restore = defaults_restorer("helpdesk.sla.migrations.0002_standard_hours", "sla.Calendar")
        post_migrate.connect(restore, sender=self, weak=False, dispatch_uid="sla.standard_hours")
