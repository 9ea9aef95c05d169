"""PostgreSQL only: a trigger refuses UPDATE and DELETE on the seal change log (seals_sealevent).

The model refuses in Python already; this catches ``QuerySet.update``/``delete`` and raw SQL, as
the audit log's trigger does (audit 0002). TRUNCATE is not blocked (test-database flushes).
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION jichitai_seals_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'seal change log is append-only: % refused (印鑑登録の履歴は追記のみです)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # no placeholders: keep RAISE %
    schema_editor.execute('DROP TRIGGER IF EXISTS jichitai_append_only ON "seals_sealevent"')
    schema_editor.execute(
        'CREATE TRIGGER jichitai_append_only BEFORE UPDATE OR DELETE ON "seals_sealevent" '
        "FOR EACH ROW EXECUTE FUNCTION jichitai_seals_append_only()"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute('DROP TRIGGER IF EXISTS jichitai_append_only ON "seals_sealevent"')
    schema_editor.execute("DROP FUNCTION IF EXISTS jichitai_seals_append_only()")


class Migration(migrations.Migration):
    dependencies = [("seals", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
