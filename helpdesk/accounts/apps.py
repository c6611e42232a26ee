from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, apps, **kwargs):
    """Sync role permissions once the last app's permissions exist."""
    from django.apps import apps as global_apps

    from .roles import roles_sync

    if sender is list(global_apps.get_app_configs())[-1]:
        roles_sync()


class AccountsConfig(AppConfig):
    name = "helpdesk.accounts"
    label = "accounts"
    verbose_name = _("Staff accounts")

    def ready(self):
        post_migrate.connect(_sync_roles, dispatch_uid="accounts.sync_roles")
