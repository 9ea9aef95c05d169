"""Emergency extract: current residents of one municipality, encrypted CSV and PDF, logged with
their sha256; a 支援措置 person is never in it (not even for 支援措置担当), a co-resident's address
is masked, another municipality's residents never appear."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from pathlib import Path
from typing import Any

import pytest

from jichitai.continuity import crypto
from jichitai.continuity.extract import emergency_extract
from jichitai.tenancy.context import activate
from tests.registry.conftest import apply, move_in_family, person_spec

pytestmark = pytest.mark.django_db


def _staff(office: Any, *roles: str) -> Any:
    from jichitai.accounts.models import RoleGrant, Staff

    s = Staff.objects.create(
        username=f"x-{office.municipality.code}-{'-'.join(roles)}", display_name="抽出 担当"
    )
    for role in roles:
        RoleGrant.objects.create(staff=s, municipality=office.municipality, role=role)
    return s


def _protect(office: Any, family: str) -> None:
    """A household whose 世帯主 is under 支援措置 (the wife and child are not)."""
    from jichitai.registry.models import Person
    from jichitai.registry.support import start_measure

    officer = _staff(office, "support_measure")
    with activate(office.ctx(officer)):
        move_in_family(office, family=family)
        head = Person.objects.without_read_log("test").get(family_name=family, given_name="一郎")
        start_measure(head.pk, staff=officer, start=dt.date(2024, 1, 1), reason="DV", against=[])


def _foreigner(office: Any) -> None:
    with activate(office.ctx()):
        apply(
            office,
            "move_in",
            {
                "household": {"new": {"address_id": office.address2.pk, "banchi": "3番地"}},
                "persons": [
                    person_spec(
                        "f1",
                        "SMITH",
                        "JOHN",
                        "1990-02-03",
                        "世帯主",
                        resident_type="foreign",
                        family_kana="スミス",
                        given_kana="ジョン",
                        nationality="US",
                        honseki="",
                        hittousha="",
                    )
                ],
                "previous_address": "東京都千代田区千代田1番1号",
            },
            dt.date(2021, 4, 1),
        )


def _csv(path: Path, key: bytes) -> list[dict[str, str]]:
    text = crypto.decrypt_bytes(path.read_bytes(), key).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_extract_leaves_out_protected_persons_and_other_municipalities(
    office: Any, office_b: Any, tmp_path: Path
) -> None:
    from jichitai.audit.models import AuditEntry

    with activate(office.ctx()):
        move_in_family(office, family="髙橋")
    _protect(office, "秘匿")
    _foreigner(office)
    with activate(office_b.ctx()):
        move_in_family(office_b, family="乙野")
    key = crypto.load_key(tmp_path / "k", create=True)
    # a 支援措置担当 has need-to-know on screens, but not on a list that leaves the building
    staff = _staff(office, "approver", "support_measure")
    done = emergency_extract(
        municipality=office.municipality,
        staff=staff,
        out_dir=tmp_path,
        key=key,
        on=dt.date(2025, 1, 1),
    )
    got = _csv(next(tmp_path.glob("*.csv.enc")), key)
    names = {r["氏名"] for r in got}
    assert "髙橋　一郎" in names or "髙橋 一郎" in names
    hidden = [r for r in got if r["氏名"].startswith("秘匿")]
    assert sorted(r["氏名"][-2:] for r in hidden) == ["太郎", "花子"]  # not the 世帯主 himself
    assert {r["住所"] for r in hidden} == {"（非表示）"} and {r["世帯主"] for r in hidden} == {
        "（非表示）"
    }
    assert not any("乙野" in r["氏名"] for r in got)
    assert done.rows == len(got) and done.excluded == 1
    smith = next(r for r in got if "SMITH" in r["氏名"])
    assert smith["生年月日"].startswith("1990")  # 西暦 for a foreign resident
    takahashi = next(r for r in got if r["氏名"].startswith("髙橋") and "一郎" in r["氏名"])
    assert takahashi["生年月日"].startswith("昭和55年")
    assert takahashi["性別"] == "男" and takahashi["フリガナ"]
    with activate(office.ctx()):
        entry = AuditEntry.objects.filter(action="continuity.emergency_extract").get()
    for path, sha in done.files.items():
        assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == sha
        assert entry.detail["files"][Path(path).name] == sha
    pdf = crypto.decrypt_bytes(next(tmp_path.glob("*.pdf.enc")).read_bytes(), key)
    assert pdf.startswith(b"%PDF")


def test_extract_needs_the_capability_and_stays_in_the_own_municipality(
    office: Any, office_b: Any, tmp_path: Path
) -> None:
    from jichitai.accounts.capabilities import CapabilityMissing

    key = crypto.load_key(tmp_path / "k", create=True)
    with pytest.raises(CapabilityMissing):
        emergency_extract(
            municipality=office.municipality,
            staff=_staff(office, "clerk"),
            out_dir=tmp_path / "a",
            key=key,
        )
    b_staff = _staff(office_b, "approver")
    with pytest.raises(CapabilityMissing):  # B's 決裁者 has no role in A
        emergency_extract(
            municipality=office.municipality, staff=b_staff, out_dir=tmp_path / "b", key=key
        )
    assert not list(tmp_path.rglob("*.enc"))
