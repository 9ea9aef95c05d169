"""EUC の画面 ([1360]): the wizard, the direct expression, list and 宛名 output, CSV/XML downloads;
支援措置 from the protected side; another municipality's rows; the online limit."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from jichitai.accounts.models import Role, RoleGrant, Staff
from jichitai.tenancy.context import activate
from tests.protection_world import SECRET, build
from tests.registry.conftest import move_in_family

from .conftest import login

pytestmark = pytest.mark.django_db
RUN = "/registry/euc/run/"


def _family(office: Any, family: str = "髙橋") -> None:
    with activate(office.ctx()):
        move_in_family(office, family=family)


@pytest.mark.std("1360#4", "1360#5")
def test_the_wizard_leads_step_by_step_to_a_list(staff_client: Any, office: Any) -> None:
    _family(office)
    client = staff_client("approver")
    step1 = client.get("/registry/euc/").content.decode()
    assert "1. データソースを選ぶ" in step1 and 'name="source"' in step1
    step2 = client.get("/registry/euc/", {"source": "persons", "mode": "wizard", "step": "2"}).content.decode()
    assert "住所_郵便番号" in step2 and 'name="items"' in step2 and 'type="hidden" name="source" value="persons"' in step2
    step3 = client.get("/registry/euc/", {"source": "persons", "mode": "wizard", "items": ["name", "birth_date"],
                                          "step": "3"}).content.decode()
    assert 'name="c1_item"' in step3 and "いずれかの条件に合う（OR）" in step3
    step4 = client.get("/registry/euc/", {"source": "persons", "mode": "wizard", "items": ["name"], "step": "4",
                                          "c1_item": "sex", "c1_op": "=", "c1_value": "2"}).content.decode()
    assert "[性別] = 「2」" in step4 and "抽出する" in step4
    assert 'type="hidden" name="items" value="name"' in step4 and 'type="hidden" name="c1_value" value="2"' in step4
    res = client.post(RUN, {"source": "persons", "mode": "wizard", "items": ["name", "birth_date"],
                            "c1_item": "birth_date", "c1_op": "<", "c1_value": "2000-01-01", "analysis": "rows",
                            "output": "list"}).content.decode()
    assert "髙橋\u3000一郎" in res and "髙橋\u3000花子" in res and "髙橋\u3000太郎" not in res and "2件" in res


@pytest.mark.std("1360#4", "1360#5")
def test_direct_expression_labels_counts_and_downloads(staff_client: Any, office: Any) -> None:
    _family(office)
    client = staff_client("approver")
    base = {"source": "persons", "mode": "direct", "where": "AGE(生年月日, '2025-04-01') >= 18"}
    label = client.post(RUN, {**base, "output": "label"}).content.decode()
    assert 'class="euc-label"' in label and "本町一丁目1番地2" in label and "髙橋\u3000一郎 様" in label
    count = client.post(RUN, {**base, "analysis": "count", "output": "list"}).content.decode()
    assert '<dd id="euc-count">2件</dd>' in count
    group = client.post(RUN, {**base, "analysis": "group", "group_by": ["sex"], "output": "list"}).content.decode()
    assert "<th scope=\"col\">性別</th><th scope=\"col\">件数</th>" in group
    csv = client.post(RUN, {**base, "items": ["atena_no", "name"], "output": "csv"})
    assert csv["Content-Disposition"] == 'attachment; filename="euc.csv"'
    body = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert body.startswith("宛名番号,氏名\r\n") and body.count("\r\n") == 3
    xml = client.post(RUN, {**base, "items": ["name"], "output": "xml"})
    assert "<EUC抽出" in b"".join(xml.streaming_content).decode()
    bad = client.post(RUN, {**base, "where": "生年月日 >>> 1", "items": ["name"]})
    assert bad.status_code == 400 and "条件式:" in bad.content.decode()


def test_only_the_euc_role_reaches_the_screens(staff_client: Any) -> None:
    clerk = staff_client("clerk")
    assert clerk.get("/registry/euc/").status_code == 403
    assert clerk.post(RUN, {"source": "persons", "items": ["name"]}).status_code == 403


@pytest.mark.std("1360#1")
def test_protected_persons_never_reach_staff_without_need_to_know(office: Any) -> None:
    world = build(office)
    staff = Staff.objects.create(username="euc-web", display_name="抽出 担当")
    RoleGrant.objects.create(staff=staff, municipality=office.municipality, role=Role.APPROVER)
    client = login(Client(), staff, office.municipality)
    for source in ("persons", "history", "households"):
        for output in ("list", "label", "csv"):
            items = ["address", "katagaki", "head_name", "household_no"]
            items += ["atena_no", "name"] if source != "households" else ["member_count"]
            res = client.post(RUN, {"source": source, "mode": "direct", "include_removed": "1", "output": output,
                                    "items": items})
            assert res.status_code == 200
            text = b"".join(res.streaming_content).decode() if res.streaming else res.content.decode()
            assert not [s for s in SECRET if s in text] and "美咲" not in text, (source, output)
            assert not [a for a in world.atena.values() if a in text]
    count = client.post(RUN, {"source": "persons", "mode": "direct", "where": "氏名 contains '美咲'",
                              "analysis": "count"}).content.decode()
    assert '<dd id="euc-count">0件</dd>' in count and 'id="euc-protected"' in count
    officer = login(Client(), world.officer, office.municipality)
    seen = officer.post(RUN, {"source": "persons", "mode": "direct", "where": "氏名 contains '美咲'",
                              "analysis": "count"}).content.decode()
    assert '<dd id="euc-count">1件</dd>' in seen and 'id="euc-protected"' not in seen


def test_another_municipality_is_never_extracted(staff_client: Any, office: Any, office_b: Any) -> None:
    _family(office)
    _family(office_b, family="鈴木")
    res = staff_client("approver").post(RUN, {"source": "history", "mode": "direct", "items": ["name", "address"],
                                              "output": "list"}).content.decode()
    assert "髙橋" in res and "鈴木" not in res


@pytest.mark.std("1360#4", "1360#5")
def test_beyond_the_online_limit_the_screen_gives_the_batch_spec(staff_client: Any, office: Any,
                                                                  monkeypatch: Any) -> None:
    from jichitai.web.registry.views import euc

    _family(office)
    monkeypatch.setattr(euc, "ONLINE_SCAN", 2)
    res = staff_client("approver").post(RUN, {"source": "persons", "mode": "direct", "items": ["name"],
                                              "output": "csv"})
    text = res.content.decode()
    assert res.status_code == 200 and "jichitai euc run" in text and '&quot;source&quot;: &quot;persons&quot;' in text
