"""データ移行 screens (web/migration): 団体管理者 only; upload → 検証 (nothing written) → 取込 of
the same files → 照合表; problems grouped by rule with a link to each line; another
municipality's upload cannot be named; bad input is a 400 with a Japanese message, never a 5xx."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.importer.test_migration_files import _file, _register, as_filed

from .support import session_client

pytestmark = pytest.mark.django_db
LAYOUT = "kihon-1.0-jumin"


@pytest.fixture
def admin_b(make_staff: Any, muni_b: Any) -> Any:
    staff = make_staff("admin.b", [(muni_b, "municipality_admin")])
    staff.home_municipality = muni_b
    staff.save()
    return staff


def _persons(m: Any) -> int:
    from jichitai.registry.models import Person
    from jichitai.tenancy.context import TenantContext, activate

    with activate(TenantContext(municipality_id=m.pk, acting_municipality_id=m.pk, purpose="test")):
        return Person.objects.without_read_log("test: count").count()


def _upload(path: Path, name: str = "jumin.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, path.read_bytes(), content_type="text/csv")


def test_only_a_municipality_admin_reaches_the_screens(clerk_a: Any, muni_a: Any) -> None:
    client = session_client(clerk_a, muni_a)
    assert client.get("/migration/").status_code == 403
    assert client.get("/migration/reconciliation.pdf").status_code == 403


def test_check_then_import_the_same_files_then_the_reconciliation(
    admin_a: Any, muni_a: Any, tmp_path: Path
) -> None:
    records = as_filed(_register())
    source = _file(records, tmp_path / "jumin.csv", muni_a.code)
    client = session_client(admin_a, muni_a)
    page = client.get("/migration/")
    assert page.status_code == 200 and LAYOUT in page.content.decode()
    checked = client.post(
        "/migration/", {"layout": LAYOUT, "encoding": "", "files": _upload(source)}
    )
    text = checked.content.decode()
    assert checked.status_code == 200 and "誤りはありません" in text, text[-2000:]
    assert _persons(muni_a) == 0  # 検証 writes nothing
    token = re.search(r"/migration/([A-Za-z0-9_-]+)/run/", text).group(1)
    done = client.post(f"/migration/{token}/run/")
    text = done.content.decode()
    assert done.status_code == 200 and "取り込みました" in text and "照合表" in text
    assert "移行元の件数と一致しています" in text
    assert _persons(muni_a) == len(records)
    assert client.post(f"/migration/{token}/run/").status_code == 404  # the upload is gone
    pdf = client.get("/migration/reconciliation.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_problems_are_grouped_by_rule_with_a_link_to_each_line(
    admin_a: Any, muni_a: Any, admin_b: Any, muni_b: Any, tmp_path: Path
) -> None:
    source = _file(as_filed(_register()), tmp_path / "jumin.csv", muni_a.code)
    with source.open(encoding="utf-8", newline="") as f:
        lines = f.read().split("\r\n")
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("生年月日")] = "1980-13-45"
    lines[1] = ",".join(row)
    broken = tmp_path / "broken.csv"
    broken.write_bytes("\r\n".join(lines).encode("utf-8"))
    client = session_client(admin_a, muni_a)
    answer = client.post("/migration/", {"layout": LAYOUT, "files": _upload(broken, "broken.csv")})
    text = answer.content.decode()
    assert answer.status_code == 400 and "何も登録していません" in text
    assert "日付の形式" in text and "生年月日" in text
    link = re.search(r'href="(/migration/[A-Za-z0-9_-]+/0/2/)"', text)
    assert link, text[-3000:]
    line = client.get(link.group(1))
    assert line.status_code == 200 and "1980-13-45" in line.content.decode()
    assert "この内容で取り込む" not in text and _persons(muni_a) == 0
    other = session_client(admin_b, muni_b)  # B's 団体管理者 cannot name A's upload
    assert other.get(link.group(1)).status_code == 404


def test_bad_input_is_a_400_with_a_message(admin_a: Any, muni_a: Any, tmp_path: Path) -> None:
    client = session_client(admin_a, muni_a)
    none = client.post("/migration/", {"layout": LAYOUT})
    assert none.status_code == 400 and "移行ファイルを選択してください" in none.content.decode()
    (tmp_path / "x.csv").write_bytes(b"\x00\xff\xfe garbage")
    odd = client.post("/migration/", {"layout": "no-such", "files": _upload(tmp_path / "x.csv")})
    assert odd.status_code == 400 and "レイアウトを選んでください" in odd.content.decode()
    garbage = client.post("/migration/", {"layout": LAYOUT, "files": _upload(tmp_path / "x.csv")})
    assert garbage.status_code == 400 and "何も登録していません" in garbage.content.decode()
    table = tmp_path / "gaiji.csv"
    table.write_text("not,a,table\n", encoding="utf-8")
    bad_table = client.post(
        "/migration/",
        {
            "layout": LAYOUT,
            "files": _upload(tmp_path / "x.csv"),
            "gaiji": _upload(table, "gaiji.csv"),
        },
    )
    assert bad_table.status_code == 400
    assert client.get("/migration/not-a-token-at-all/0/2/").status_code == 404


def test_an_unmapped_gaiji_goes_on_the_worklist_and_out_as_a_table_to_fill(
    admin_a: Any, muni_a: Any, tmp_path: Path, settings: Any
) -> None:
    settings.DATA_DIR = tmp_path / "data"
    source = _file(as_filed(_register()), tmp_path / "jumin.csv", muni_a.code)
    with source.open(encoding="utf-8", newline="") as f:
        lines = f.read().split("\r\n")
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("名_日本人")] = "\ue001" + row[header.index("名_日本人")][1:]
    lines[1] = ",".join(row)
    vendor = tmp_path / "vendor.csv"
    vendor.write_bytes("\r\n".join(lines).encode("cp932"))
    client = session_client(admin_a, muni_a)
    assert "外字同定の必要な文字はありません" in client.get("/migration/").content.decode()
    answer = client.post("/migration/", {"layout": LAYOUT, "files": _upload(vendor, "vendor.csv")})
    assert answer.status_code == 400 and "外字対応表にない外字" in answer.content.decode()
    page = client.get("/migration/").content.decode()
    assert "U+E001" in page and "vendor.csv" in page
    table = client.get("/migration/gaiji-worklist.csv")
    assert table.status_code == 200 and "U+E001" in table.content.decode("utf-8-sig")
