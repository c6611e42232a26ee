from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs):
    """Sync role permissions once every app's permissions exist.

    `post_migrate` is sent once per app that has a models module, in INSTALLED_APPS order, and
    each app's permissions are created by its own signal; only the last of those apps sees them all.
    """
    from django.apps import apps as global_apps

    from .roles import roles_sync

    apps_with_models = [config for config in global_apps.get_app_configs() if config.models_module is not None]
    if sender is apps_with_models[-1]:
        roles_sync()


class AccountsConfig(AppConfig):
    name = "helpdesk.accounts"
    label = "accounts"
    verbose_name = _("Staff accounts")

    def ready(self):
        post_migrate.connect(_sync_roles, dispatch_uid="accounts.sync_roles")
