"""Indexes PostgreSQL can have and Django's `Meta.indexes` cannot say portably (INCLUDE columns), created by a
migration on PostgreSQL only: SQLite, the small default, does without them."""

from django.db import migrations


def postgres_indexes(indexes: dict[str, str]) -> migrations.RunPython:
    """A migration operation creating (and, reversed, dropping) `indexes`: name → "table (columns) …"."""

    def create(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for name, definition in indexes.items():
                schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")

    def drop(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for name in indexes:
                schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return migrations.RunPython(create, drop)
