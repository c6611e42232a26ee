from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class KbConfig(AppConfig):
    name = "kb"
    label = "kb"
    verbose_name = _("Knowledge base")

    def ready(self):
        from . import indexing
        from .setup import tree_ensure_after_migrate

        indexing.connect()
        post_migrate.connect(tree_ensure_after_migrate, sender=self, dispatch_uid="kb.tree_ensure")
