"""住民票記載事項証明書 / 住民票除票記載事項証明書 (chosen items, [1030] 方書), the 写し with history
([1000]#1 履歴の有無) and the 通称 別紙 with the 認証文 on the last page ([1000]#5)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Any

import pytest

from jichitai.certificates.issuance import IssuanceRefused, Requester, issue
from jichitai.certificates.issuance import messages as msg
from jichitai.certificates.issuance.fake import fake_renderer, read_fake
from jichitai.certificates.issuance.record_history import alias_entries, history_rows
from jichitai.certificates.kinds import extract, resident_copy
from jichitai.certificates.models import Issuance
from jichitai.certificates.render import render_certificate
from jichitai.registry import support
from jichitai.tenancy.context import activate
from tests.registry.conftest import apply, people, person_spec

from .conftest import issue_for, officer, request
from .glyphs import pdf_text

D = dt.date
pytestmark = pytest.mark.django_db
KATAGAKI = "コーポ髙橋101号室"


def _flat(text: str) -> str:
    return re.sub(r"\s", "", text)


def _household(at: Any) -> tuple[Any, Any, Any]:
    """The family in a flat: the household's address carries a 方書."""
    apply(
        at,
        "move_in",
        {
            "household": {
                "new": {"address_id": at.address.pk, "banchi": "3番地", "katagaki": KATAGAKI}
            },
            "persons": [
                person_spec("p1", "髙橋", "一郎", "1980-05-01", "世帯主"),
                person_spec("p2", "髙橋", "花子", "1982-07-07", "妻", sex="2"),
                person_spec("p3", "髙橋", "太郎", "2010-01-15", "子"),
            ],
            "previous_address": "東京都千代田区千代田1番1号",
        },
        D(2020, 4, 1),
    )
    head, wife, son = people(family_name="髙橋")
    return head, wife, son


def _req(subjects: list[int], items: str, **kw: Any) -> Any:
    params = {"items": items, **kw.pop("params", {})}
    req = request(subjects, kind=kw.pop("kind", "kisai"), requester=kw.pop("requester", None), **kw)
    return replace(req, params=params)


def _extract(at: Any, subjects: list[int], items: str, **kw: Any) -> Any:
    return issue(_req(subjects, items, **kw), staff=at.clerk, renderer=fake_renderer)


def _pdf(at: Any, subjects: list[int], items: str, **kw: Any) -> bytes:
    (copy,) = issue(_req(subjects, items, **kw), staff=at.clerk, renderer=render_certificate).copies
    assert copy.content.startswith(b"%PDF-")
    return copy.content


@pytest.mark.std("1000#1")
def test_an_extract_prints_only_the_items_asked_for(office) -> None:
    with activate(office.ctx()):
        head, wife, son = _household(office)
        issued = _extract(office, [head.pk], "生年月日,address")
        data = read_fake(issued.copies[0].content)
        assert data["title"] == "住民票記載事項証明書"
        assert [set(m) for m in data["members"]] == [{"氏名", "生年月日"}]
        assert data["members"][0]["生年月日"] == "昭和55年5月1日"
        assert data["address"].endswith("3番地　" + KATAGAKI)
        assert data["certification"] == extract.CERTIFICATION["kisai"]
        assert set(Issuance.objects.get().items) == {"氏名", "生年月日"}
        # 本籍・筆頭者 and 世帯主・続柄 only when chosen
        both = read_fake(
            _extract(office, [head.pk], "honseki,head_relationship,sex").copies[0].content
        )
        assert set(both["members"][0]) == {"氏名", "性別", "世帯主", "続柄", "本籍", "筆頭者"}
        assert both["address"] == "" and both["members"][0]["続柄"] == "世帯主"


def test_an_extract_refuses_no_items_unknown_items_and_what_the_requester_may_not_see(
    office,
) -> None:
    with activate(office.ctx()):
        head, wife, son = _household(office)
        for items, message in (
            ("", extract.ITEMS_REQUIRED),
            ("血液型", extract.ITEM_UNKNOWN.format(items="血液型")),
            ("removal", extract.ITEM_UNKNOWN.format(items="消除の事由・消除日・転出先")),
        ):
            with pytest.raises(IssuanceRefused) as exc:
                _extract(office, [head.pk], items)
            assert exc.value.messages == [message]
        third = Requester("third_party", name="債権者株式会社", purpose="債権回収のため")
        agent = Requester("agent", name="代理　人", power_of_attorney=True, principal_id=head.pk)
        for requester, items, message in (
            (third, "本籍・筆頭者", msg.THIRD_PARTY_ITEMS),
            (third, "世帯主・続柄", msg.THIRD_PARTY_ITEMS),
            (agent, "個人番号", msg.MY_NUMBER),
            (third, "住民票コード", msg.RESIDENT_CODE),
        ):
            with pytest.raises(IssuanceRefused) as exc:
                _extract(office, [head.pk], items, requester=requester)
            assert exc.value.messages == [message]
        assert Issuance.objects.count() == 0
        mine = read_fake(_extract(office, [head.pk], "個人番号").copies[0].content)
        assert set(mine["members"][0]) == {"氏名", "個人番号"}


@pytest.mark.std("1030#1")
def test_the_katagaki_is_left_out_of_an_extract_only_when_asked(office) -> None:
    with activate(office.ctx()):
        head, _, _ = _household(office)
        kept = _flat(pdf_text(_pdf(office, [head.pk], "住所")))
        assert "3番地" in kept and KATAGAKI in kept and "住民票記載事項証明書" in kept
        omitted = _flat(pdf_text(_pdf(office, [head.pk], "住所", params={"omit_katagaki": "1"})))
        assert "3番地" in omitted and KATAGAKI not in omitted
        # the removed-person extract may omit it too, on request only
        son = people(given_name="太郎")[0]
        apply(office, "death", {"person_id": son.pk}, D(2024, 3, 3))
        hh = Requester("household", person_id=head.pk)
        kept = _flat(
            pdf_text(_pdf(office, [son.pk], "住所,removal", kind="joshu_kisai", requester=hh))
        )
        assert KATAGAKI in kept and "住民票除票記載事項証明書" in kept and "死亡" in kept
        omitted = read_fake(
            _extract(
                office,
                [son.pk],
                "住所",
                kind="joshu_kisai",
                requester=hh,
                params={"omit_katagaki": "true"},
            )
            .copies[0]
            .content
        )
        assert omitted["address"].endswith("3番地")


@pytest.mark.std("1030#1")
def test_a_resident_copy_can_never_omit_the_katagaki(office) -> None:
    with activate(office.ctx()):
        head, _, _ = _household(office)
        req = request([head.pk])
        asked = replace(req, params={"omit_katagaki": "1"})
        with pytest.raises(IssuanceRefused) as exc:
            issue(asked, staff=office.clerk, renderer=render_certificate)
        assert exc.value.messages == [resident_copy.KATAGAKI_ALWAYS]
        (copy,) = issue(req, staff=office.clerk, renderer=render_certificate).copies
        assert KATAGAKI in _flat(pdf_text(copy.content))
        assert Issuance.objects.count() == 1


def test_extract_eligibility_is_the_copies_current_and_removed(office) -> None:
    with activate(office.ctx()):
        head, wife, son = _household(office)
        apply(office, "death", {"person_id": son.pk}, D(2024, 3, 3))
        hh = Requester("household", person_id=head.pk)
        with pytest.raises(IssuanceRefused) as exc:
            _extract(office, [son.pk], "氏名", requester=hh)
        assert exc.value.messages == [msg.NOT_RESIDENT]
        with pytest.raises(IssuanceRefused) as exc:
            _extract(office, [head.pk], "氏名", kind="joshu_kisai")
        assert exc.value.messages == [msg.NOT_REMOVED]
        removed = read_fake(
            _extract(office, [son.pk], "生年月日,removal", kind="joshu_kisai", requester=hh)
            .copies[0]
            .content
        )
        assert removed["members"][0]["消除の事由"] == "死亡"
        assert removed["members"][0]["消除日"] == "令和6年3月3日"
        # 世帯全員 on a 記載事項証明書: the current members, in the [1010] order
        whole = read_fake(
            _extract(
                office,
                [wife.pk],
                "続柄",
                requester=hh,
                whole_household=True,
                params={"items": "世帯主・続柄"},
            )
            .copies[0]
            .content
        )
        assert [m["続柄"] for m in whole["members"]] == ["世帯主", "妻"]


def test_another_municipalitys_person_is_not_found_for_an_extract(office, office_b) -> None:
    with activate(office.ctx()):
        head, _, _ = _household(office)
    with activate(office_b.ctx(office_b.clerk)):
        for kind in ("kisai", "joshu_kisai"):
            with pytest.raises(IssuanceRefused) as exc:
                _extract(office_b, [head.pk], "氏名,住所", kind=kind)
            assert exc.value.messages == [msg.NOT_FOUND]


def test_a_protected_person_is_not_revealed_by_an_extract_without_need_to_know(office) -> None:
    with activate(office.ctx()):
        head, wife, son = _household(office)
        support.start_measure(
            wife.pk, start=D(2024, 1, 1), reason="DV", against=[], staff=officer(office)
        )
        hh = Requester("household", person_id=head.pk)
        for subjects, whole in (([wife.pk], False), ([head.pk], True), ([son.pk], False)):
            with pytest.raises(IssuanceRefused) as exc:
                _extract(office, subjects, "氏名,住所", requester=hh, whole_household=whole)
            assert exc.value.messages == [msg.NOT_FOUND]  # exactly as for nobody
        for kind in ("kisai", "juminhyo"):  # nor a copy with her history
            with pytest.raises(IssuanceRefused) as exc:
                _extract(office, [wife.pk], "住所", kind=kind, requester=hh, history=True)
            assert exc.value.messages == [msg.NOT_FOUND]
        assert Issuance.objects.count() == 0
        # the 支援措置担当 may; the protected wife is still not on her son's extract
        req = _req([son.pk], "氏名,住所", requester=hh)
        issued = issue(req, staff=officer(office, "officer-2"), renderer=fake_renderer)
        assert "花子" not in issued.copies[0].content.decode()


def _moves(office: Any, head: Any, wife: Any, son: Any) -> None:
    apply(
        office,
        "move_within",
        {
            "person_ids": [head.pk, wife.pk, son.pk],
            "address": {"address_id": office.address2.pk, "banchi": "9番地"},
        },
        D(2022, 6, 1),
    )
    apply(office, "name_change", {"person_id": wife.pk, "family_name": "鈴木"}, D(2023, 2, 2))


@pytest.mark.std("1000#1")
def test_a_copy_with_history_prints_the_past_addresses_and_names(office) -> None:
    with activate(office.ctx()):
        head, wife, son = _household(office)
        _moves(office, head, wife, son)
        hh = Requester("household", person_id=head.pk)
        plain = read_fake(issue_for(office, [wife.pk], requester=hh).copies[0].content)
        assert "blocks" not in plain["extra"] and "3番地" not in str(plain)  # default: no history
        issued = issue_for(office, [wife.pk], requester=hh, history=True)
        rows = read_fake(issued.copies[0].content)["extra"]["blocks"][0]["history"]
        assert [r[:2] for r in rows] == [
            ["令和2年4月1日", "転入"],
            ["令和4年6月1日", "転居"],
            ["令和5年2月2日", "氏名変更"],
        ]
        # the first step records the entry as written then (the 方書 with the address)
        assert rows[0][2].startswith("住所　本町一丁目3番地　" + KATAGAKI + "　氏名　髙橋　花子")
        assert "9番地" in rows[1][2] and rows[2][2] == "氏名　鈴木　花子"
        assert "続柄" not in str(rows)  # 世帯主・続柄 omitted from the copy: omitted from its past
        text = _flat(
            pdf_text(
                issue(
                    request([wife.pk], requester=hh, history=True),
                    staff=office.clerk,
                    renderer=render_certificate,
                )
                .copies[0]
                .content
            )
        )
        assert "履歴" in text and KATAGAKI in text and "令和4年6月1日" in text
        # an extract with history shows only its items' past
        kisai = read_fake(
            _extract(office, [wife.pk], "氏名", requester=hh, history=True).copies[0].content
        )
        assert [r[1] for r in kisai["extra"]["blocks"][0]["history"]] == ["転入", "氏名変更"]
        assert "番地" not in str(kisai["extra"])


def test_history_never_shows_a_planned_move_out_before_its_date(office) -> None:
    from django.utils import timezone

    with activate(office.ctx()):
        head, wife, son = _household(office)
        apply(
            office,
            "move_out_planned",
            {
                "person_ids": [son.pk],
                "destination": "大阪府大阪市北区梅田1丁目",
                "planned_date": (timezone.localdate() + dt.timedelta(days=9)).isoformat(),
            },
            timezone.localdate(),
        )
        rows = history_rows(son.pk, {"address", "name", "head_relationship", "honseki"})
        assert len(rows) == 1 and "大阪" not in str(rows) and "転出" not in str(rows)


def _foreigner(office: Any) -> Any:
    apply(
        office,
        "move_in",
        {
            "household": {
                "new": {
                    "address_id": office.address.pk,
                    "banchi": "5番地",
                    "katagaki": "第二ハイツ",
                }
            },
            "persons": [
                person_spec(
                    "f1",
                    "LI",
                    "WEI",
                    "1985-02-03",
                    "世帯主",
                    resident_type="foreign",
                    nationality="中国",
                    honseki="",
                    hittousha="",
                    alphabet_name="LI WEI",
                )
            ],
            "previous_address": "中国",
        },
        D(2021, 4, 1),
    )
    (li,) = people(family_name="LI")
    apply(
        office,
        "alias_change",
        {"person_id": li.pk, "action": "record", "alias": "木村　明"},
        D(2022, 1, 10),
    )
    apply(office, "alias_change", {"person_id": li.pk, "action": "delete"}, D(2023, 5, 1))
    apply(
        office,
        "alias_change",
        {"person_id": li.pk, "action": "record", "alias": "李　明"},
        D(2024, 2, 1),
    )
    return li


@pytest.mark.std("1000#5", "1000#4")
def test_the_alias_history_goes_on_a_sheet_and_the_certification_on_the_last_page(office) -> None:
    with activate(office.ctx()):
        li = _foreigner(office)
        entries = alias_entries(li.pk)
        assert [(e["通称"], e["記載した年月日"], e["削除した年月日"]) for e in entries] == [
            ("木村　明", "令和4年1月10日", "令和5年5月1日"),
            ("李　明", "令和6年2月1日", ""),
        ]
        assert entries[0]["記載した市区町村"] and entries[0]["削除した市区町村"]
        plain = issue(request([li.pk]), staff=office.clerk, renderer=render_certificate).copies[0]
        assert "別紙" not in pdf_text(plain.content)  # not asked: no sheet
        copy = issue(
            request([li.pk], alias_history=True), staff=office.clerk, renderer=render_certificate
        ).copies[0]
        text = pdf_text(copy.content)
        pages = text.split("\f")[:-1]
        assert len(pages) >= 2 and copy.data.pages == len(pages)
        certification = copy.data.certification
        assert certification not in _flat("".join(pages[:-1]))  # not before the sheet
        last = _flat(pages[-1])
        assert "別紙" in last and "木村" in last and "令和5年5月1日" in last
        assert last.count(certification) == 1 and last.index("別紙") < last.index(certification)
        for n, page in enumerate(pages, 1):
            assert f"{n}/{len(pages)}" in page  # [1040] x/n counts the sheet
        # the same on a 記載事項証明書 asking for the 通称 and its history
        kisai = _pdf(office, [li.pk], "通称", alias_history=True)
        kpages = pdf_text(kisai).split("\f")[:-1]
        assert "別紙" in _flat(kpages[-1]) and extract.CERTIFICATION["kisai"] in _flat(kpages[-1])
        assert all(extract.CERTIFICATION["kisai"] not in _flat(p) for p in kpages[:-1])
