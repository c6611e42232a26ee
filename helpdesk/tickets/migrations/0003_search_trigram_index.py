"""On PostgreSQL, a trigram index makes inbox search fast on unsolved tickets; other databases skip it.

pg_trgm ships with PostgreSQL, but creating an extension may need rights the app's role lacks:
then the index is left out (search still works, just slower) and the migration says so.
"""

from django.db import DatabaseError, migrations, transaction

UNSOLVED = "('new', 'open', 'pending', 'on_hold')"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        print("\n  pg_trgm is not available: inbox search works without its index (ask a superuser to add it).")
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS ticket_search_trgm ON tickets_ticket "
        f"USING gin (search_text gin_trgm_ops) WHERE status IN {UNSOLVED}"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS ticket_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0002_inbox_counts_index")]

    operations = [migrations.RunPython(create, drop)]
