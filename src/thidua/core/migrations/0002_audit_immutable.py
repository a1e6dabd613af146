"""The database refuses UPDATE of audit rows, whichever client connects.

DELETE is left to the database owner (retention purges, test flushes); the
application never deletes audit rows (``AuditEntry.delete`` raises)."""

from django.db import migrations

SQLITE = """
CREATE TRIGGER IF NOT EXISTS core_auditentry_no_update BEFORE UPDATE ON core_auditentry
BEGIN SELECT RAISE(ABORT, 'audit entries are immutable'); END;
"""
PG = """
CREATE OR REPLACE FUNCTION core_auditentry_immutable() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit entries are immutable'; END; $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditentry_no_update ON core_auditentry;
CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
FOR EACH ROW EXECUTE FUNCTION core_auditentry_immutable();
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE)
    elif vendor == "postgresql":
        schema_editor.execute(PG)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in ("sqlite", "postgresql"):
        on = " ON core_auditentry" if vendor == "postgresql" else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS core_auditentry_no_update{on}")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
