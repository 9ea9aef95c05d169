"""`jichitai continuity declare|declarations|extend|end|revoke|report|degraded` (issue 14): the same
rules as the screens, as the named administrator; messages in both languages."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from jichitai.cli import main as jichitai
from jichitai.tenancy.context import activate
from jichitai.tenancy.models import DelegationGrant, DisasterDeclaration

from .conftest import World, acting_for, own_ctx

pytestmark = pytest.mark.django_db


def _run(*args: str) -> int:
    return jichitai(["continuity", *args])


def test_declare_list_extend_report_and_end(world: World, capsys: Any, tmp_path: Path) -> None:
    a = ["--municipality", world.a.code, "--staff", "admin-a"]
    until = (timezone.now() + dt.timedelta(days=3)).isoformat()
    # begun an hour ago: PostgreSQL's RLS asks the grant at now(), the start of the test's one
    # transaction, which is earlier than a start of "now" taken inside it
    since = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    code = _run(
        "declare",
        "--from",
        since,
        *a,
        "--kind",
        "tsunami",
        "--partners",
        f"{world.b.code},{world.c.code}",
        "--legal-basis",
        "dcba_90_4",
        "--purpose",
        "津波被害による代行",
        "--until",
        until,
    )
    assert code == 0 and "declared" in capsys.readouterr().out
    with activate(own_ctx(world.a)):
        decl = DisasterDeclaration.objects.get()
    assert DelegationGrant.objects.filter(declaration_id=decl.pk).count() == 2
    assert _run("declarations", *a, "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["state"] for r in listed] == ["有効"] and {
        p["code"] for p in listed[0]["partners"]
    } == {
        world.b.code,
        world.c.code,
    }
    later = (timezone.now() + dt.timedelta(days=9)).isoformat()
    assert _run("extend", str(decl.pk), *a, "--until", later, "--note", "延長") == 0
    assert _run("revoke", str(decl.pk), *a, "--partner", world.c.code, "--note", "不要") == 0
    clerk = acting_for(world.clerk_b, f"g{DelegationGrant.objects.get(grantee=world.b).pk}")
    assert clerk.get(f"/registry/persons/{world.protected.head}/").status_code == 200
    out = tmp_path / "report.csv"
    assert _run("report", str(decl.pk), *a, "--out", str(out)) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert text.startswith("日時,代行団体") and "clerk-b" in text
    assert _run("end", str(decl.pk), *a, "--note", "復旧") == 0
    assert not DelegationGrant.objects.get(grantee=world.b).is_valid_at()
    capsys.readouterr()
    assert _run("end", str(decl.pk), *a) == 1
    assert "すでに終了" in capsys.readouterr().err


def test_refusals_and_degraded_mode(world: World, capsys: Any) -> None:
    until = (timezone.now() + dt.timedelta(days=3)).isoformat()
    declare = [
        "declare",
        "--kind",
        "fire",
        "--legal-basis",
        "agreement",
        "--purpose",
        "p",
        "--until",
        until,
    ]
    # a clerk is no administrator; a partner of another consortium is refused; B's admin is not A's
    assert (
        _run(
            *declare,
            "--partners",
            world.b.code,
            "--municipality",
            world.a.code,
            "--staff",
            "clerk-b",
        )
        == 1
    )
    assert "may not declare" in capsys.readouterr().err
    assert (
        _run(
            *declare,
            "--partners",
            world.z.code,
            "--municipality",
            world.a.code,
            "--staff",
            "admin-a",
        )
        == 1
    )
    assert "同じ協議会" in capsys.readouterr().err
    assert (
        _run(
            *declare,
            "--partners",
            world.b.code,
            "--municipality",
            world.a.code,
            "--staff",
            "admin-b",
        )
        == 1
    )
    assert (
        _run(*declare, "--partners", "999999", "--municipality", world.a.code, "--staff", "admin-a")
        == 2
    )
    assert (
        _run(*declare, "--partners", world.b.code, "--municipality", "000000", "--staff", "admin-a")
        == 2
    )
    assert not DelegationGrant.objects.exists()
    # another municipality's declaration id is not found in this one
    with activate(own_ctx(world.b)):
        assert not DisasterDeclaration.objects.exists()
    capsys.readouterr()
    a = ["--municipality", world.a.code, "--staff", "admin-a"]
    assert _run("degraded", "on", *a, "--mode", "issuance_only", "--reason", "停電") == 0
    assert "issuance_only" in capsys.readouterr().out
    assert _run("degraded", "status", "--municipality", world.b.code, "--staff", "admin-b") == 0
    assert "normal" in capsys.readouterr().out
    assert (
        _run(
            "degraded", "on", "--municipality", world.a.code, "--staff", "clerk-b", "--reason", "x"
        )
        == 1
    )
    assert _run("degraded", "off", *a) == 0
    assert "normal" in capsys.readouterr().out
    assert _run("nonsense", *a) == 2
