"""証明書の交付履歴 as an EUC data source ([1360]#1, #3) and ②帳票発行・印刷ログ in the access log
([1370]#1); the protected side and another municipality's issuances."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.certificates.issuance import Requester
from jichitai.registry import support
from jichitai.registry.euc import catalogue
from jichitai.registry.euc.run import parse_spec, run
from jichitai.tenancy.context import activate

from .conftest import family, issue_for, officer

D = dt.date
pytestmark = pytest.mark.django_db
ITEMS = [
    "交付年月日",
    "証明書の種別",
    "交付対象者_宛名番号",
    "交付対象者_氏名",
    "請求者の区分",
    "部数",
    "枚数",
    "発行番号",
    "端末名",
    "処理者（ユーザID）",
    "交付の状態",
]


def _issue_two(office: Any) -> tuple[Any, Any, Any, Any]:
    head, wife, son = family(office)
    alone = issue_for(office, [head.pk], copies=2)
    both = issue_for(
        office, [head.pk, wife.pk], requester=Requester("household", person_id=head.pk)
    )
    return head, wife, alone, both


@pytest.mark.std("1360#1", "1360#3", "1360#2")
def test_the_issuance_history_is_an_euc_source(office) -> None:
    assert catalogue.SOURCES["issuances"].startswith("証明書の交付履歴")
    with activate(office.ctx(office.approver)):
        head, wife, alone, both = _issue_two(office)
        res = run(parse_spec({"source": "issuances", "items": ITEMS}), staff=office.approver)
        assert [(r["issuance_subject"], r["issuance_copies"]) for r in res.rows] == [
            ("髙橋\u3000一郎", 2),
            ("髙橋\u3000一郎", 1),
            ("髙橋\u3000花子", 1),
        ]
        first = res.rows[0]
        assert first["issuance_numbers"] == " ".join(c.number for c in alone.copies)
        assert (first["issuance_terminal"], first["issuance_staff"], first["issuance_status"]) == (
            "本庁1",
            office.clerk.username,
            "交付済",
        )
        assert first["issuance_atena_no"] == head.atena_no and first["issuance_kind"]
        assert (
            first["issuance_requester_kind"] == "本人"
            and res.rows[1]["issuance_requester_kind"] == "同一世帯"
        )
        counted = run(
            parse_spec(
                {
                    "source": "issuances",
                    "analysis": "group",
                    "group_by": ["交付対象者_氏名"],
                    "where": "部数 >= 1 AND 交付年月日 = TODAY()",
                }
            ),
            staff=office.approver,
        )
        assert counted.groups == [(("髙橋\u3000一郎",), 2), (("髙橋\u3000花子",), 1)]


@pytest.mark.std("1360#1")
def test_an_issuance_about_a_protected_person_is_left_out_without_need_to_know(office) -> None:
    with activate(office.ctx()):
        head, wife, alone, both = _issue_two(office)
        protector = officer(office)
        support.start_measure(
            wife.pk, start=D(2024, 1, 1), reason="DV", against=[], staff=protector
        )
    with activate(office.ctx(office.approver)):
        res = run(parse_spec({"source": "issuances", "items": ITEMS}), staff=office.approver)
        assert [r["issuance_numbers"] for r in res.rows] == [
            " ".join(c.number for c in alone.copies)
        ]
        assert "花子" not in str(res.rows) and wife.atena_no not in str(res.rows)
        count = run(
            parse_spec(
                {
                    "source": "issuances",
                    "analysis": "count",
                    "where": "交付対象者_氏名 contains '花子'",
                }
            ),
            staff=office.approver,
        )
        assert count.count == 0 and count.protected_left_out
    from jichitai.accounts.models import RoleGrant

    RoleGrant.objects.create(staff=protector, municipality=office.municipality, role="approver")
    with activate(office.ctx(protector)):
        seen = run(parse_spec({"source": "issuances", "items": ITEMS}), staff=protector)
        assert len(seen.rows) == 3 and "髙橋\u3000花子" in [
            r["issuance_subject"] for r in seen.rows
        ]


def test_another_municipalitys_issuances_never_appear(office, office_b) -> None:
    with activate(office_b.ctx()):
        b_head, _, _ = family(office_b)
        issue_for(office_b, [b_head.pk])
    with activate(office.ctx(office.approver)):
        res = run(parse_spec({"source": "issuances", "items": ITEMS}), staff=office.approver)
        assert res.count == 0 and res.rows == []


@pytest.mark.std("1370#1")
def test_every_issuance_writes_the_print_log_into_the_access_log(office) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        issued = issue_for(office, [head.pk], copies=2, my_number=True)
        entry = AuditEntry.objects.get(category="print", action="certificates.issue")
        detail = json.loads(entry.detail_json)
        assert (entry.subject_type, entry.subject_id) == ("issuance", str(issued.history_id))
        assert (
            entry.username == office.clerk.username and entry.my_number_shown
        )  # 個人番号の出力の有無
        assert detail["numbers"] == [c.number for c in issued.copies]  # 発行番号
        assert (detail["copies"], detail["pages"], detail["printer"], detail["terminal"]) == (
            2,
            sum(c.data.pages for c in issued.copies),
            "プリンタ001",
            "本庁1",
        )
        assert (
            detail["title"]
            and detail["output"] == "print"
            and isinstance(detail["official_seal"], bool)
        )
        assert detail["my_number_printed"] is True and detail["persons"] == [head.pk]
        issue_for(office, [son.pk], requester=Requester("household", person_id=head.pk))
        second = AuditEntry.objects.filter(action="certificates.issue").order_by("-seq")[0]
        assert (
            not second.my_number_shown
            and json.loads(second.detail_json)["my_number_printed"] is False
        )
