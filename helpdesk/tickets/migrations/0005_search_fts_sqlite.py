"""On SQLite, an FTS5 index of the unsolved tickets' search terms, kept in step by triggers; other databases skip it.

`ticket_search` holds each unsolved ticket's `search_text` under the ticket's id. Those are terms
the text analysis made, separated by spaces, made of lowercase letters, digits, "." and non-ASCII
letters; the `ascii` tokenizer with "." as a token character keeps each of them one token, as it
is, so the prefix query `"term"*` finds the tickets `search_text LIKE '% term%'` does. Contentless
and without positions: the search reads back ticket ids and nothing else.

Triggers keep it in step with every write, through the ORM or not: a ticket enters when it is
created or reopened, leaves when it is solved, closed (merged) or deleted, and is indexed again
when its terms change. Like PostgreSQL's trigram index, it holds only unsolved tickets (the
inbox lists no others), so it stays the size of the backlog.

SQLite drops a table's triggers with it, and Django's SQLite schema editor rebuilds a table
(creates a copy, drops the original) for most field changes: a later migration that alters
`tickets_ticket` must run `search_index_create` again (a test checks the triggers exist).
"""

from django.db import migrations

UNSOLVED = "('new', 'open', 'pending', 'on_hold')"
INDEX = "ticket_search"
TRIGGERS = ("ticket_search_insert", "ticket_search_delete", "ticket_search_update")

CREATE = [
    f"""CREATE VIRTUAL TABLE {INDEX} USING fts5(
        search_text, content='', detail=none, tokenize="ascii tokenchars '.'"
    )""",
    f"""CREATE TRIGGER ticket_search_insert AFTER INSERT ON tickets_ticket
    WHEN new.status IN {UNSOLVED}
    BEGIN
        INSERT INTO {INDEX}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",  # noqa: S608 (constants)
    f"""CREATE TRIGGER ticket_search_delete AFTER DELETE ON tickets_ticket
    WHEN old.status IN {UNSOLVED}
    BEGIN
        INSERT INTO {INDEX}({INDEX}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    END""",  # noqa: S608 (constants)
    # A contentless index forgets a row only when told the terms it was given: the old ones.
    f"""CREATE TRIGGER ticket_search_update AFTER UPDATE OF id, status, search_text ON tickets_ticket
    WHEN old.id IS NOT new.id OR old.search_text IS NOT new.search_text
        OR (old.status IN {UNSOLVED}) IS NOT (new.status IN {UNSOLVED})
    BEGIN
        INSERT INTO {INDEX}({INDEX}, rowid, search_text)
            SELECT 'delete', old.id, old.search_text WHERE old.status IN {UNSOLVED};
        INSERT INTO {INDEX}(rowid, search_text)
            SELECT new.id, new.search_text WHERE new.status IN {UNSOLVED};
    END""",
    f"INSERT INTO {INDEX}(rowid, search_text) SELECT id, search_text FROM tickets_ticket WHERE status IN {UNSOLVED}",  # noqa: S608 (constants)
]


def search_index_drop(schema_editor) -> None:
    for trigger in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {INDEX}")


def search_index_create(schema_editor) -> None:
    """(Re)create the index, its triggers and its rows from the tickets as they are."""
    search_index_drop(schema_editor)
    for statement in CREATE:
        schema_editor.execute(statement)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        search_index_create(schema_editor)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        search_index_drop(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0004_report_indexes")]

    operations = [migrations.RunPython(create, drop)]
