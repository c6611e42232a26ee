from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailboxConfig(AppConfig):
    name = "helpdesk.mailbox"
    label = "mailbox"
    verbose_name = _("Email")

    def ready(self):
        from anymail.signals import inbound

        from .webhooks import on_inbound

        inbound.connect(on_inbound, dispatch_uid="mailbox.anymail_inbound")
