"""PostgreSQL only: a trigger refuses UPDATE and DELETE on both audit entry tables.

The models already refuse in Python; this catches raw SQL and ``QuerySet._raw_delete``. An operator
doing sanctioned maintenance (e.g. moving old entries to archive after export) sets
``SET LOCAL jichitai.audit_maintenance = 'on'`` in that transaction; the tamper tests use the same
switch. It is a guard against mistakes, not against a database owner (who can also drop the
trigger): tampering is caught by the hash chain, see docs/audit.md. TRUNCATE is not blocked, so
that test-database flushes keep working; grant the application role no TRUNCATE in production.
"""

from django.db import migrations

TABLES = ("audit_auditentry", "audit_systemauditentry")

FUNCTION = """
CREATE OR REPLACE FUNCTION jichitai_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('jichitai.audit_maintenance', true), '') = 'on' THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit log is append-only: % on % refused (監査ログは追記のみです)', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # no placeholders: keep RAISE %
    for table in TABLES:
        schema_editor.execute(f'DROP TRIGGER IF EXISTS jichitai_append_only ON "{table}"')
        schema_editor.execute(
            f'CREATE TRIGGER jichitai_append_only BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION jichitai_audit_append_only()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f'DROP TRIGGER IF EXISTS jichitai_append_only ON "{table}"')
    schema_editor.execute("DROP FUNCTION IF EXISTS jichitai_audit_append_only()")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
