"""PostgreSQL only: the audit entry tables' guard checks the database role, not a setting.

Until now ``SET LOCAL jichitai.audit_maintenance = 'on'`` let any session UPDATE or DELETE audit
rows. Now only a member of the table's owner role may (sanctioned maintenance, e.g. archiving after
export, connects as the owner); the runtime role has neither the privilege (tenancy/dbroles.py)
nor the trigger's consent, whatever it sets. TRUNCATE is refused the same way (a statement
trigger), so a flush of the audit tables is the owner's too.
"""

from django.db import migrations

TABLES = ("audit_auditentry", "audit_systemauditentry")

FUNCTION = """
CREATE OR REPLACE FUNCTION public.jichitai_audit_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  IF pg_has_role(current_user, (SELECT c.relowner FROM pg_class c WHERE c.oid = TG_RELID), 'MEMBER') THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    IF TG_OP = 'TRUNCATE' THEN RETURN NULL; END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit log is append-only: % on % refused to role % (監査ログは追記のみです)',
    TG_OP, TG_TABLE_NAME, current_user USING ERRCODE = 'insufficient_privilege';
END
$$;
"""

OLD_FUNCTION = """
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
        schema_editor.execute(f'DROP TRIGGER IF EXISTS jichitai_no_truncate ON "{table}"')
        schema_editor.execute(
            f'CREATE TRIGGER jichitai_no_truncate BEFORE TRUNCATE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION public.jichitai_audit_append_only()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f'DROP TRIGGER IF EXISTS jichitai_no_truncate ON "{table}"')
    schema_editor.execute(OLD_FUNCTION, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
