"""EUC screens closing issue 10 ([1360]#1–#3, #5; [1370]#2): the データ項目一覧表 on the wizard, PDF
files, the access-log screens for auditors, and big extractions handed to the batch worker; the
protected side and another municipality for each new path."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.jobs import worker
from jichitai.registry.euc_models import EucBatch
from jichitai.tenancy.context import activate
from tests.certificates.glyphs import pdf_text
from tests.protection_world import SECRET, build
from tests.registry.conftest import move_in_family

pytestmark = pytest.mark.django_db
RUN, LOGS_RUN, BATCH = "/registry/euc/run/", "/registry/euc/logs/run/", "/registry/euc/batch/"
LIST = {
    "source": "persons",
    "mode": "wizard",
    "items": ["atena_no", "name", "address"],
    "analysis": "rows",
    "include_removed": "1",
}


def _family(office: Any, family: str = "髙橋") -> None:
    with activate(office.ctx()):
        move_in_family(office, family=family)


@pytest.mark.std("1360#3")
def test_the_wizard_shows_the_item_list_of_the_layouts(staff_client: Any, office: Any) -> None:
    page = (
        staff_client("approver")
        .get("/registry/euc/", {"source": "persons", "mode": "wizard", "step": "2"})
        .content.decode()
    )
    assert 'id="euc-item-specs"' in page and "データ項目一覧表" in page
    assert (
        "<td>宛名番号</td><td>コード</td><td>15文字</td><td>無</td><td>―</td><td>kihon-1.0-jumin</td>"
        in page
    )
    assert (
        "<td>住民状態</td><td>コード</td><td>1文字</td><td>無</td><td>1 住民、2 転出者、3 死亡者、9 その他消除者</td>"
        in page
    )
    assert "<td>住所</td><td>文字列</td><td>―</td><td>有</td><td>―</td><td>独自項目</td>" in page


@pytest.mark.std("1360#5")
def test_a_list_is_saved_as_a_pdf_file_from_the_screen(
    staff_client: Any, office: Any, office_b: Any
) -> None:
    _family(office)
    _family(office_b, "鈴木")
    response = staff_client("approver").post(RUN, {**LIST, "output": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="euc-')
    text = pdf_text(response.content)
    assert "髙橋" in text and "本町一丁目1番地2" in text and "鈴木" not in text
    labels = staff_client("approver").post(RUN, {**LIST, "output": "pdf_label"})
    assert "一郎 様" in pdf_text(labels.content)
    with activate(office.ctx()):
        assert AuditEntry.objects.filter(category="print", action="euc.pdf").count() == 2


@pytest.mark.std("1360#5")
def test_the_screens_pdf_leaves_protected_persons_out(staff_client: Any, office: Any) -> None:
    world = build(office)
    text = pdf_text(staff_client(roles=["approver"]).post(RUN, {**LIST, "output": "pdf"}).content)
    assert "美咲" not in text and "花子" not in text and not [s for s in SECRET if s in text]
    assert not [a for a in world.atena.values() if a in text]


@pytest.mark.std("1370#2")
def test_auditors_run_euc_over_the_access_log_on_their_own_screens(
    staff_client: Any, office: Any, office_b: Any
) -> None:
    _family(office)
    staff_client("approver").post(RUN, {**LIST, "output": "list"})
    auditor = staff_client(roles=["auditor"])
    page = auditor.get("/registry/euc/logs/", {"step": "2"}).content.decode()
    assert "アクセスログ" in page and "操作者ID" in page and "住民（現在の住民票" not in page
    res = auditor.post(
        LOGS_RUN,
        {
            "mode": "direct",
            "where": "操作種別 = 'euc'",
            "items": ["log_username", "log_title"],
            "output": "list",
        },
    ).content.decode()
    assert office.approver.username in res and "データ抽出（EUC）" in res
    csv = auditor.post(LOGS_RUN, {"mode": "wizard", "items": ["log_username"], "output": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert staff_client("approver").get("/registry/euc/logs/").status_code == 403
    assert staff_client("approver").post(LOGS_RUN, {"items": ["log_username"]}).status_code == 403
    assert (
        auditor.get("/registry/euc/").status_code == 403
    )  # the register's sources stay the EUC role's
    refused = staff_client("approver").post(
        RUN, {"source": "access_log", "items": ["log_username"]}
    )
    assert refused.status_code == 400


@pytest.mark.std("1370#2")
def test_the_access_log_screen_hides_protected_subjects(staff_client: Any, office: Any) -> None:
    world = build(office)
    with activate(office.ctx(world.officer)):
        from jichitai.registry.selectors import persons

        persons.person_detail(world.misaki, staff=world.officer)
    res = staff_client(roles=["auditor"]).post(
        LOGS_RUN,
        {"mode": "wizard", "output": "csv", "items": ["log_subject_type", "log_subject_id"]},
    )
    text = b"".join(res.streaming_content).decode("utf-8-sig")
    assert f"person,{world.misaki}\r\n" not in text and "person,（非表示）" in text


@pytest.mark.std("1360#5", "1360#4", "1360#2")
def test_a_big_extraction_runs_in_the_batch_worker_and_only_its_requester_gets_the_file(
    staff_client: Any, office: Any, office_b: Any
) -> None:
    _family(office)
    _family(office_b, "鈴木")
    approver = staff_client("approver")
    queued = approver.post(BATCH, {**LIST, "output": "csv"})
    assert queued.status_code == 302 and queued["Location"].endswith("/registry/euc/batches/")
    with activate(office.ctx()):
        (batch,) = EucBatch.objects.all()
        assert batch.run_id and batch.finished_at is None  # nothing ran in the request
    assert "3件" not in approver.get("/registry/euc/batches/").content.decode()  # queued, not run
    assert worker.drain() == 1
    page = approver.get("/registry/euc/batches/").content.decode()
    assert "3件" in page and "euc-" in page
    file = approver.post(f"/registry/euc/batches/{batch.pk}/file/")
    text = file.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "宛名番号,氏名,住所" and "髙橋" in text and "鈴木" not in text
    other = staff_client(roles=["approver"])
    assert (
        other.post(f"/registry/euc/batches/{batch.pk}/file/").status_code == 404
    )  # the requester's only
    assert "依頼した抽出はありません" in other.get("/registry/euc/batches/").content.decode()
    with activate(office.ctx()):
        assert AuditEntry.objects.filter(action="euc.batch.download").count() == 1
        assert AuditEntry.objects.filter(action="euc", screen="EUC（バッチ処理）").count() == 1
    bad = approver.post(BATCH, {**LIST, "items": ["存在しない"]})
    assert bad.status_code == 400 and "ありません" in bad.content.decode()


@pytest.mark.std("1360#5")
def test_the_batch_leaves_protected_persons_out_for_its_requester_without_need_to_know(
    staff_client: Any, office: Any
) -> None:
    world = build(office)
    viewer = staff_client(roles=["approver"])
    viewer.post(BATCH, {**LIST, "output": "csv"})
    assert worker.drain() == 1
    with activate(office.ctx()):
        (batch,) = EucBatch.objects.all()
    text = viewer.post(f"/registry/euc/batches/{batch.pk}/file/").content.decode("utf-8-sig")
    assert "髙橋" in text and "美咲" not in text and "花子" not in text
    assert not [s for s in SECRET if s in text] and not [
        a for a in world.atena.values() if a in text
    ]


def test_another_municipality_never_reaches_a_batch_file(
    staff_client: Any, office: Any, office_b: Any
) -> None:
    _family(office)
    staff_client("approver").post(BATCH, {**LIST, "output": "csv"})
    worker.drain()
    with activate(office.ctx()):
        (batch,) = EucBatch.objects.all()
    from django.test import Client

    from .conftest import login

    b_client = login(Client(), office_b.approver, office_b.municipality)
    assert b_client.post(f"/registry/euc/batches/{batch.pk}/file/").status_code == 404
    with activate(office_b.ctx()):
        assert not EucBatch.objects.exists()


@pytest.mark.std("1360#5")
def test_a_result_beyond_the_online_limit_offers_the_batch_worker(
    staff_client: Any, office: Any, monkeypatch: Any
) -> None:
    from jichitai.web.registry.views import euc

    _family(office)
    monkeypatch.setattr(euc, "ONLINE_ROWS", 2)  # three rows: the screen stops
    text = staff_client("approver").post(RUN, {**LIST, "output": "list"}).content.decode()
    assert 'action="/registry/euc/batch/"' in text and "全件をバッチ処理で出力する" in text
    assert '<input type="hidden" name="output" value="csv">' in text
    assert '<input type="hidden" name="items" value="atena_no">' in text
