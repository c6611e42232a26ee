from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "chat"
    label = "chat"
    verbose_name = _("Live chat")

    def ready(self):
        from helpdesk.customers.record import RecordSection, record_section_register

        from .selectors import chats_for_customer

        record_section_register(
            RecordSection(
                key="chats",
                template="chat/_customer_chats.html",
                context=lambda customer: {"chats": chats_for_customer(customer)},
                order=20,
            )
        )

        from helpdesk.reports.registry import ReportSection, sla_section_register

        from .report_rows import chat_sla_context

        sla_section_register(
            ReportSection(key="chats", template="chat/reports/_sla_section.html", context=chat_sla_context)
        )

        from surveys.rating_sources import rating_source_register

        from .report_rows import chat_rating_rows

        rating_source_register("chat", chat_rating_rows)
