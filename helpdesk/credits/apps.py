from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CreditsConfig(AppConfig):
    name = "helpdesk.credits"
    label = "credits"
    verbose_name = _("Goodwill credit")

    def ready(self):
        from helpdesk.core.defaults import defaults_restorer

        restore = defaults_restorer("helpdesk.credits.migrations.0002_default_reasons", "credits.CreditReason")
        post_migrate.connect(restore, sender=self, weak=False, dispatch_uid="credits.default_reasons")

        from helpdesk.customers.record import RecordSection, record_section_register

        from .selectors import balances_for_customer, entries_for_customer

        record_section_register(
            RecordSection(
                key="credit",
                template="credits/staff/_record_section.html",
                context=lambda customer: {
                    "balances": balances_for_customer(customer),
                    "entries": entries_for_customer(customer, limit=10),
                },
                order=30,
            )
        )
        record_section_register(
            RecordSection(
                key="credit",
                template="credits/_portal_section.html",
                context=lambda customer: {"balances": balances_for_customer(customer)},
                place="portal",
            )
        )
