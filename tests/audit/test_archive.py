"""[1370]#2 保存期間を過ぎたログのアーカイブ: the entries past a municipality's period go to a file that
verifies itself offline (hashes and links of the chain); nothing is deleted; one municipality's
archive never holds another's entries."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from jichitai.audit import archive, retention
from jichitai.audit.models import AuditEntry
from jichitai.tenancy.context import activate

from .conftest import ctx
from .test_retention import _old_and_new

pytestmark = pytest.mark.django_db


@pytest.mark.std("1370#2")
def test_entries_past_the_period_are_archived_and_the_file_verifies(
    tenants: Any, tmp_path: Path
) -> None:
    _old_and_new(tenants.a)
    _old_and_new(tenants.b)
    with activate(ctx(tenants.a, purpose="test")):
        retention.set_years(5)
        out = io.StringIO()
        done = archive.write(out)
        lines = out.getvalue().splitlines()
        head = json.loads(lines[0])
        assert done.entries == 1 and len(lines) == 2
        assert (head["municipality"], head["retention_years"]) == (tenants.a.code, 5)
        old = AuditEntry.objects.get(action="old_step")
        row = json.loads(lines[1])
        assert (
            row["hash"] == old.hash
            and row["entry"]["action"] == "old_step"
            and head["links_to"] == old.prev_hash
        )
        assert AuditEntry.objects.filter(action="old_step").exists()  # archived, never deleted
        logged = AuditEntry.objects.get(action="audit_archive")
        assert json.loads(logged.detail_json)["sha256"] == done.sha256
    path = tmp_path / "a.jsonl"
    path.write_text(out.getvalue(), encoding="utf-8")
    assert archive.verify_file(path) == []
    tampered = tmp_path / "t.jsonl"
    tampered.write_text(out.getvalue().replace("old_step", "new_step"), encoding="utf-8")
    assert any("改ざん" in p for p in archive.verify_file(tampered))
    dropped = tmp_path / "d.jsonl"
    dropped.write_text(lines[0] + "\n", encoding="utf-8")
    assert archive.verify_file(dropped) == [
        "最後の記録が見出しと違います / the last entry is not the header's last_seq"
    ]


@pytest.mark.std("1370#2")
def test_the_cli_archives_once_and_verifies_without_a_database(
    tenants: Any, tmp_path: Path, capsys: Any
) -> None:
    from jichitai.cli.audit import main

    _old_and_new(tenants.a)
    _old_and_new(tenants.b)
    target = tmp_path / "archive.jsonl"
    assert (
        main(
            [
                "retention",
                "--municipality",
                tenants.a.code,
                "--set-years",
                "1",
                "--archive",
                str(target),
            ]
        )
        == 0
    )
    assert "アーカイブ 1 件" in capsys.readouterr().out
    text = target.read_text(encoding="utf-8")
    with activate(ctx(tenants.b, purpose="test")):
        b_hashes = set(AuditEntry.objects.values_list("hash", flat=True))
    assert not [h for h in b_hashes if h in text]  # another municipality's entries never
    assert (
        main(["retention", "--municipality", tenants.a.code, "--archive", str(target)]) == 2
    )  # never overwritten
    assert main(["retention", "--verify-archive", str(target)]) == 0
    target.write_text(text.replace('"old_step"', '"other"'), encoding="utf-8")
    assert main(["retention", "--verify-archive", str(target)]) == 1
