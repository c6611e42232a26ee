"""Bulk-load generated rows: COPY on PostgreSQL, executemany on SQLite, secondary indexes built afterwards.

Rows come as tuples in the generator's field order (bench/inbox_data.py); every other column of
the table gets its model default, so a field added to a model later needs no change here unless
it has no default (then the load stops and names it).
"""

import enum
import json
import time
from datetime import UTC, datetime
from uuid import UUID

from django.db import connection, models, transaction


class TableSpec:
    """Where generated rows go: the table, its columns, and the defaults of the columns not generated."""

    def __init__(self, model, fields: tuple[str, ...]):
        meta = model._meta
        given = [meta.get_field(name) for name in fields]  # attnames ("customer_id") are found too
        rest = [f for f in meta.concrete_fields if f not in given]
        missing = [f.name for f in rest if (f.has_default() and callable(f.default)) or _no_value(f)]
        if missing:
            raise RuntimeError(
                f"{meta.db_table}: bench/inbox_data.py generates no value for {missing}; add them to its field list."
            )
        self.model = model
        self.table = meta.db_table
        self.fields = given + rest
        self.columns = [f.column for f in self.fields]
        self.defaults = tuple(_plain(f.get_default()) for f in rest)


def _no_value(field: models.Field) -> bool:
    return not field.null and field.get_default() is None


def _plain(value):
    return value.value if isinstance(value, enum.Enum) else value


def _sqlite_datetime(value: datetime | None) -> str | None:
    # As Django's SQLite backend stores aware datetimes: naive UTC, "YYYY-MM-DD HH:MM:SS[.ffffff]".
    return None if value is None else str(value.astimezone(UTC).replace(tzinfo=None))


def _json(value) -> str | None:
    return None if value is None else json.dumps(value)


def _uuid_hex(value: UUID | None) -> str | None:
    return None if value is None else value.hex


class Loader:
    """Load tables into the default database; `prepare` first, `finish` after the last rows."""

    def __init__(self, progress):
        self.progress = progress
        self.indexes: list[tuple[str, str]] = []
        self.rows: dict[str, int] = {}
        self.seconds = 0.0

    def _converters(self, spec: TableSpec) -> list[tuple[int, object]]:
        raise NotImplementedError

    def write(self, spec: TableSpec, rows) -> None:
        began = time.perf_counter()
        converters = self._converters(spec)
        if converters:
            rows = (_converted(row + spec.defaults, converters) for row in rows)
        else:
            rows = (row + spec.defaults for row in rows)
        count = self._write(spec, rows)
        self.rows[spec.table] = self.rows.get(spec.table, 0) + count
        self.seconds += time.perf_counter() - began

    def _write(self, spec: TableSpec, rows) -> int:
        raise NotImplementedError


def _converted(row: tuple, converters) -> tuple:
    values = list(row)
    for position, convert in converters:
        values[position] = convert(values[position])
    return tuple(values)


class PostgresLoader(Loader):
    def prepare(self, tables: list[str]) -> None:
        with connection.cursor() as cursor:
            # No per-row foreign-key triggers: the generator keeps the references right.
            cursor.execute("SET session_replication_role = replica")
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                " AND tablename = ANY(%s) AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                [tables],
            )
            self.indexes = cursor.fetchall()
            for name, _definition in self.indexes:
                cursor.execute(f'DROP INDEX "{name}"')

    def _converters(self, spec: TableSpec) -> list[tuple[int, object]]:
        return [(i, _json) for i, f in enumerate(spec.fields) if isinstance(f, models.JSONField)]

    def _write(self, spec: TableSpec, rows) -> int:
        columns = ", ".join(f'"{column}"' for column in spec.columns)
        count = 0
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(f'COPY "{spec.table}" ({columns}) FROM STDIN') as copy,
        ):
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    def finish(self, models_loaded: list) -> None:
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            for name, definition in self.indexes:
                began = time.perf_counter()
                cursor.execute(definition)
                self.progress(f"    index {name}: {time.perf_counter() - began:.0f} s")
            for statement in connection.ops.sequence_reset_sql(no_style(), models_loaded):
                cursor.execute(statement)
            cursor.execute("SET session_replication_role = DEFAULT")
            began = time.perf_counter()
            cursor.execute("VACUUM ANALYZE")
            self.progress(f"    VACUUM ANALYZE: {time.perf_counter() - began:.0f} s")

    @staticmethod
    def size_bytes() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return cursor.fetchone()[0]


class SqliteLoader(Loader):
    def prepare(self, tables: list[str]) -> None:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = OFF")
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA journal_mode = OFF")
            cursor.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
            self.indexes = [(name, sql) for name, table, sql in cursor.fetchall() if table in tables]
            for name, _definition in self.indexes:
                cursor.execute(f'DROP INDEX "{name}"')

    def _converters(self, spec: TableSpec) -> list[tuple[int, object]]:
        found = []
        for i, f in enumerate(spec.fields):
            if isinstance(f, models.DateTimeField):
                found.append((i, _sqlite_datetime))
            elif isinstance(f, models.UUIDField):
                found.append((i, _uuid_hex))
            elif isinstance(f, models.JSONField):
                found.append((i, _json))
        return found

    def _write(self, spec: TableSpec, rows) -> int:
        columns = ", ".join(f'"{column}"' for column in spec.columns)
        marks = ", ".join("?" for _ in spec.columns)
        rows = list(rows)
        insert = f'INSERT INTO "{spec.table}" ({columns}) VALUES ({marks})'  # noqa: S608 (names from the models)
        with transaction.atomic():
            connection.connection.executemany(insert, rows)
        return len(rows)

    def finish(self, models_loaded: list) -> None:
        with connection.cursor() as cursor:
            for name, definition in self.indexes:
                began = time.perf_counter()
                cursor.execute(definition)
                self.progress(f"    index {name}: {time.perf_counter() - began:.1f} s")
            cursor.execute("PRAGMA journal_mode = DELETE")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
            began = time.perf_counter()
            cursor.execute("ANALYZE")
            self.progress(f"    ANALYZE: {time.perf_counter() - began:.1f} s")

    @staticmethod
    def size_bytes() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
            return cursor.fetchone()[0]


def loader_for_connection(progress) -> Loader:
    return PostgresLoader(progress) if connection.vendor == "postgresql" else SqliteLoader(progress)
