"""[1380]#10 一括メンテナンス by batch: `jichitai staff grants import|export`, all or nothing, in the
administrator's scope, logged as a batch run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jichitai.accounts.models import RoleGrant
from jichitai.cli import main as jichitai
from jichitai.tenancy.context import TenantContext, activate

pytestmark = pytest.mark.django_db
HEADER = "username,municipality_code,role,valid_from,valid_until,action\n"


def _file(tmp_path: Path, body: str) -> str:
    p = tmp_path / "grants.csv"
    p.write_text(HEADER + body, encoding="utf-8")
    return str(p)


@pytest.mark.std("1380#10")
def test_import_all_or_nothing_in_the_admins_scope(tmp_path: Path, capsys: Any, admin_a: Any, clerk_a: Any,
                                                  clerk_b: Any, muni_a: Any, muni_b: Any) -> None:
    a = muni_a.code
    ok = _file(tmp_path, f"clerk.a,{a},approver,2026-04-01,,grant\nclerk.a,{a},支援対象者照会担当,,,付与\n")
    assert jichitai(["staff", "grants", "import", ok, "--municipality", a, "--admin", "admin.a"]) == 0
    assert "2 行を取り込みました" in capsys.readouterr().out
    assert set(RoleGrant.objects.filter(staff=clerk_a).values_list("role", flat=True)) == {
        "clerk", "approver", "support_inquiry"}
    # one bad row (another municipality, outside the admin's scope): nothing of the file is saved
    bad = _file(tmp_path, f"clerk.a,{a},approver,,,revoke\nclerk.b,{muni_b.code},approver,,,grant\n")
    assert jichitai(["staff", "grants", "import", bad, "--municipality", a, "--admin", "admin.a"]) == 1
    err = capsys.readouterr().err
    assert "grants.csv:3:" in err and "0 件保存" in err
    assert RoleGrant.objects.filter(staff=clerk_a, role="approver").exists()
    assert not RoleGrant.objects.filter(staff=clerk_b, role="approver").exists()
    # a clerk is no administrator; an unknown municipality is a usage error
    assert jichitai(["staff", "grants", "import", ok, "--municipality", a, "--admin", "clerk.a"]) == 2
    assert "--admin" in capsys.readouterr().err
    assert jichitai(["staff", "grants", "import", ok, "--municipality", "999999", "--admin", "admin.a"]) == 2
    out = tmp_path / "out.csv"
    assert jichitai(["staff", "grants", "export", "--municipality", a, "--admin", "admin.a", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert f"clerk.a,{a},support_inquiry,,,grant" in text and "clerk.b" not in text
    from jichitai.audit.models import AuditEntry

    with activate(TenantContext(municipality_id=muni_a.pk, acting_municipality_id=muni_a.pk)):
        runs = [(e.action, e.detail.get("outcome"), e.detail.get("rows"), e.username)
                for e in AuditEntry.objects.filter(action="batch_finished").order_by("seq")]
    assert runs == [("batch_finished", "ok", 2, "admin.a"), ("batch_finished", "failed", 0, "admin.a"),
                    ("batch_finished", "ok", 4, "admin.a")]
