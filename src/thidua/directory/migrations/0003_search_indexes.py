"""Trigram indexes for the diacritic-free search on PostgreSQL, and finer
statistics on the unit path that every scoped query filters on.

The search is ``search_key LIKE '%term%'`` (see directory.selectors), which a
B-tree cannot serve; a GIN index with ``gin_trgm_ops`` can. PostgreSQL only:
on SQLite (the default) the operations do nothing, and no model state changes,
so ``makemigrations`` never sees these indexes.

``pg_trgm`` is a trusted extension (PostgreSQL 13+), so a database owner may
create it; where the app's role may not, the extension step fails inside a
savepoint, the indexes are skipped with a warning and search still works —
only slower. An administrator can later run ``CREATE EXTENSION pg_trgm`` and
``thidua migrate directory 0002 && thidua migrate`` to add them.
"""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger("thidua.migrations")

INDEXES = {
    "person_search_trgm": "directory_person",
    "unit_search_trgm": "directory_unit",
}


def _has_trgm(cursor) -> bool:
    cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
    return cursor.fetchone() is not None


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # Every scoped query filters on ``unit.path LIKE '/1/57/%'``. With the
        # default statistics PostgreSQL guesses 1 unit for any prefix and picks a
        # nested loop that re-runs the person search once per unit (measured:
        # 107 ms instead of 14 ms for "nguyen van" over 100,000 people in a
        # 17-unit scope). A fine histogram on this small table fixes the guess.
        cursor.execute("ALTER TABLE directory_unit ALTER COLUMN path SET STATISTICS 10000")
        cursor.execute("ANALYZE directory_unit")
        if not _has_trgm(cursor):
            try:
                with transaction.atomic(using=connection.alias):
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            except DatabaseError as exc:
                logger.warning("pg_trgm unavailable (%s); search indexes not created.", exc)
                return
        for name, table in INDEXES.items():
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_key gin_trgm_ops)"
            )


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        cursor.execute("ALTER TABLE directory_unit ALTER COLUMN path SET STATISTICS -1")
    # The extension is left in place: other objects may depend on it.


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0002_admin_units"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
