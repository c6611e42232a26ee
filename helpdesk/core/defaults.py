"""Put back the rows a data migration made when their table is empty again.

`manage.py flush` (and every transactional test's teardown) empties the tables and sends
`post_migrate`, but does not replay data migrations: the standard SLA hours or the credit reasons
would be gone until the next fresh install. Apps connect `defaults_restorer` to `post_migrate`.
"""

import importlib

from django.apps import apps
from django.db import connections


def defaults_restorer(migration_module: str, model_label: str):
    """A `post_migrate` receiver that reruns `migration_module.forwards` when `model_label`'s table is empty."""

    def restore(sender, using=None, **kwargs):
        model = apps.get_model(model_label)
        using = using or "default"
        if model._meta.db_table not in connections[using].introspection.table_names():
            return  # migrated away
        if not model.objects.using(using).exists():
            importlib.import_module(migration_module).forwards(apps, None)

    return restore
