"""Search keys version 2 ([330]#2 あいまい検索, 名のみの検索).

``kana_key`` now holds ``moji.search_kana_key`` (voicing, small kana, ー, ウ→オ after オ段 folded) and
two new keys hold the 名 alone. Every existing row's keys are recomputed here, one municipality at a
time under its own tenant context (FORCE ROW LEVEL SECURITY applies to the owner too). On
PostgreSQL the 名 keys get prefix indexes like migration 0002's (``varchar_pattern_ops``, so the
leakproof ``__prefix`` range uses them under RLS; ``=`` for 完全一致 uses them as well).
"""

from __future__ import annotations

from django.db import migrations, models

BATCH = 2000
INDEXES = {
    "person_given_name_key_prefix": (
        'CREATE INDEX IF NOT EXISTS person_given_name_key_prefix ON "registry_person" '
        "(municipality_id, given_name_key varchar_pattern_ops) INCLUDE (status, kana_key, birth_date, id)"
    ),
    "person_given_kana_key_prefix": (
        'CREATE INDEX IF NOT EXISTS person_given_kana_key_prefix ON "registry_person" '
        "(municipality_id, given_kana_key varchar_pattern_ops) INCLUDE (status, kana_key, birth_date, id)"
    ),
}


# [340]#5/#9 past values: jsonb equality is not leakproof, so under RLS it cannot be an index condition;
# these partial indexes keep the scan to the few facts of one kind (index-only, value checked as a
# filter on the index tuple) instead of the whole 異動明細 table. Plain SQL: SQLite takes it as well.
FACT_INDEXES = {
    "fact_past_family_name": (
        'CREATE INDEX IF NOT EXISTS fact_past_family_name ON "registry_eventfact" (municipality_id, "before", entity_id) '
        "WHERE entity = 'person' AND field = 'family_name'"
    ),
    "fact_past_given_name": (
        'CREATE INDEX IF NOT EXISTS fact_past_given_name ON "registry_eventfact" (municipality_id, "before", entity_id) '
        "WHERE entity = 'person' AND field = 'given_name'"
    ),
    "fact_household_address_after": (
        'CREATE INDEX IF NOT EXISTS fact_household_address_after ON "registry_eventfact" (municipality_id, "after", entity_id) '
        "WHERE entity = 'household' AND field = 'address_id'"
    ),
    "fact_household_address_before": (
        'CREATE INDEX IF NOT EXISTS fact_household_address_before ON "registry_eventfact" (municipality_id, "before", entity_id) '
        "WHERE entity = 'household' AND field = 'address_id'"
    ),
}


def recompute(apps, schema_editor) -> None:  # noqa: ANN001 - migration signature
    from jichitai.registry.conventions import name_keys
    from jichitai.tenancy.context import TenantContext, activate

    Person = apps.get_model("registry", "Person")
    Municipality = apps.get_model("tenancy", "Municipality")
    fields = ("family_name", "given_name", "family_name_kana", "given_name_kana")
    for mid in Municipality.objects.values_list("pk", flat=True):
        with activate(TenantContext(municipality_id=mid, acting_municipality_id=mid)):
            last = 0
            while True:
                qs = Person._base_manager.filter(municipality_id=mid, pk__gt=last)
                if hasattr(qs, "without_read_log"):  # the live model (tests) logs reads; a key is no read
                    qs = qs.without_read_log("検索キーの再計算（移行）")
                rows = list(qs.order_by("pk")[:BATCH])
                if not rows:
                    break
                for p in rows:
                    for k, v in name_keys({f: getattr(p, f) for f in fields}).items():
                        setattr(p, k, v)
                Person._base_manager.bulk_update(rows, ["name_key", "kana_key", "given_name_key", "given_kana_key"])
                last = rows[-1].pk


def create_indexes(apps, schema_editor) -> None:  # noqa: ANN001 - migration signature
    for sql in FACT_INDEXES.values():
        schema_editor.execute(sql)
    if schema_editor.connection.vendor == "postgresql":
        for sql in INDEXES.values():
            schema_editor.execute(sql)


def drop_indexes(apps, schema_editor) -> None:  # noqa: ANN001 - migration signature
    names = list(FACT_INDEXES) + (list(INDEXES) if schema_editor.connection.vendor == "postgresql" else [])
    for name in names:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0005_no_approver_on_event"),
        ("tenancy", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="given_kana_key",
            field=models.CharField(blank=True, default="", max_length=200, verbose_name="名ふりがな照合キー"),
        ),
        migrations.AddField(
            model_name="person",
            name="given_name_key",
            field=models.CharField(blank=True, default="", max_length=100, verbose_name="名照合キー"),
        ),
        migrations.RunPython(recompute, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
