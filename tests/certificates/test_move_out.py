"""転出証明書 and 転出証明書に準ずる証明書 ([660]): who gets one, what it prints (through the real
engine, read back from the PDF), 再交付 printing the first issue's state and never the register's
latest, another municipality's rows and a 支援措置-protected person."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from jichitai.certificates.counter import preview_pdf
from jichitai.certificates.issuance import (
    CertificateRequest,
    IssuanceRefused,
    Options,
    Requester,
    issue,
)
from jichitai.certificates.issuance import messages as common
from jichitai.certificates.models import Issuance, MoveOutCertificate
from jichitai.certificates.move_out import messages as msg
from jichitai.certificates.render import render_certificate
from jichitai.registry import support
from jichitai.tenancy.context import activate
from tests.registry.conftest import apply, people, person_spec

from .conftest import STATION, family, officer
from .glyphs import pdf_text

pytestmark = pytest.mark.django_db
DESTINATION = "大阪府大阪市北区梅田一丁目1番1号"


def _today() -> dt.date:
    return timezone.localdate()


def _move_out(office: Any, ids: list[int], destination: str = DESTINATION, days: int = 10) -> Any:
    today = _today()
    return apply(
        office,
        "move_out_planned",
        {
            "person_ids": ids,
            "destination": destination,
            "planned_date": (today + dt.timedelta(days=days)).isoformat(),
        },
        today,
    )


def _late(office: Any, ids: list[int]) -> Any:
    """[640]#2: reported after 14 days, so written by 職権 (職権消除 with the 転出先)."""
    moved = _today() - dt.timedelta(days=30)
    return apply(
        office,
        "ex_officio_deletion",
        {"person_ids": ids, "destination": DESTINATION},
        moved,
        reported=_today(),
    )


def _req(
    ids: list[int],
    kind: str = "tenshutsu",
    requester: Requester | None = None,
    reissue: bool = False,
) -> CertificateRequest:
    return CertificateRequest(
        kind=kind,
        subject_ids=tuple(ids),
        requester=requester or Requester("household", person_id=ids[0]),
        options=Options(),
        station=STATION,
        params={"reissue": "1"} if reissue else {},
    )


def _issue(office: Any, ids: list[int], staff: Any = None, **kw: Any) -> Any:
    return issue(_req(ids, **kw), staff=staff or office.clerk, renderer=render_certificate)


def _refused(office: Any, ids: list[int], staff: Any = None, **kw: Any) -> IssuanceRefused:
    before = Issuance.objects.count(), MoveOutCertificate.objects.count()
    with pytest.raises(IssuanceRefused) as exc:
        _issue(office, ids, staff=staff, **kw)
    assert (Issuance.objects.count(), MoveOutCertificate.objects.count()) == before
    return exc.value


def _flat(pdf: bytes) -> str:
    return re.sub(r"\s", "", pdf_text(pdf))


def test_a_move_out_certificate_prints_the_move_out_items_in_wareki(office) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        _move_out(office, [head.pk, wife.pk])
        issued = _issue(office, [head.pk, wife.pk])
        (copy,) = issued.copies
        text = _flat(copy.content)
        planned = _today() + dt.timedelta(days=10)
        assert "転出証明書" in text and "転出証明書に準ずる" not in text
        for item in (
            "転出先",
            "転出予定年月日",
            "世帯主",
            "続柄",
            "本籍",
            "筆頭者",
            "住民票コード",
            "住所",
        ):
            assert item in text
        assert re.sub(r"\s", "", DESTINATION) in text
        assert f"令和{planned.year - 2018}年{planned.month}月{planned.day}日" in text  # [90]#1
        assert "昭和55年5月1日" in text and "1980年" not in text  # 和暦, never 西暦
        assert head.resident_code in text and wife.resident_code in text
        assert "テスト県甲村1番地" in text and "本町一丁目1番地2" in text
        assert son.given_name not in text  # only the persons of the request
        assert "再交付" not in text
        assert re.sub(r"\s", "", copy.number) in text
        # the first issue's state is kept per person and 転出
        kept = MoveOutCertificate.objects.order_by("person_id")
        assert [k.person_id for k in kept] == [head.pk, wife.pk]
        assert kept[0].first_number == copy.number
        assert kept[0].printed["header"]["転出先"] == DESTINATION


def test_a_foreign_residents_certificate_has_seireki_birth_and_expiry_only(office) -> None:
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
                        "1985-03-04",
                        "世帯主",
                        resident_type="foreign",
                        nationality="アメリカ合衆国",
                        alphabet_name="SMITH JOHN",
                        residence_period="3年",
                        residence_end_date="2027-06-30",
                        honseki="",
                        hittousha="",
                        family_kana="スミス",
                        given_kana="ジョン",
                    )
                ],
                "previous_address": "東京都千代田区千代田1番1号",
            },
            dt.date(2021, 4, 1),
        )
        (john,) = people(family_name="SMITH")
        _move_out(office, [john.pk])
        text = _flat(
            _issue(office, [john.pk], requester=Requester("self", person_id=john.pk))
            .copies[0]
            .content
        )
        assert "1985年3月4日" in text and "2027年6月30日" in text  # [90]#4
        assert (
            "アメリカ合衆国" in text
            and "中長期在留者" in text
            and "技術・人文知識・国際業務" in text
        )
        assert "本籍" not in text  # a foreign resident has none
        planned = _today() + dt.timedelta(days=10)
        assert f"令和{planned.year - 2018}年{planned.month}月{planned.day}日" in text


@pytest.mark.std("660#2")
def test_a_late_move_out_gets_the_certificate_in_lieu_saying_it_is_for_the_move_in(office) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        _late(office, [son.pk])
        refused = _refused(office, [son.pk], requester=Requester("self", person_id=son.pk))
        assert refused.messages == [msg.USE_JUNZURU]
        issued = _issue(
            office,
            [son.pk],
            kind="tenshutsu_junzuru",
            requester=Requester("household", person_id=head.pk),
        )
        text = _flat(issued.copies[0].content)
        assert "転出証明書に準ずる証明書" in text
        assert "転入届に添付すべき書類として発行した" in text  # [660]#2 「発行した旨を記載」
        assert "職権により住民票を消除" in text and "転出の年月日" in text
        assert re.sub(r"\s", "", DESTINATION) in text
        # or the 除票の写し ([660]#2 「又は除票の写し」)
        joshu = issue(
            _req([son.pk], kind="joshu", requester=Requester("self", person_id=son.pk)),
            staff=office.clerk,
            renderer=render_certificate,
        )
        assert "住民票の除票の写し" in _flat(joshu.copies[0].content)
        # a 転出届 in time gets the 転出証明書, not the one in lieu
        _move_out(office, [wife.pk])
        assert _refused(office, [wife.pk], kind="tenshutsu_junzuru").messages == [msg.USE_TENSHUTSU]


@pytest.mark.std("660#3")
@pytest.mark.std("660#4")
def test_a_reissue_prints_the_state_at_first_issue_not_the_latest(office) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
        event = _move_out(office, [head.pk, wife.pk])
        first = _issue(office, [head.pk, wife.pk]).copies[0]
        # the register changes after the first issue: 本籍 and the 転出先 corrected
        for who in (head, wife):
            apply(
                office,
                "ex_officio_correction",
                {
                    "person_id": who.pk,
                    "changes": {
                        "honseki": "新県乙町九番地",
                        "move_out_destination": "福岡県福岡市中央区天神二丁目2番2号",
                    },
                },
                _today(),
            )
        (now,) = people(pk=head.pk)
        assert now.honseki == "新県乙町九番地" and now.move_out_destination.startswith("福岡県")
        # a second issue is a 再交付 and must be asked for as one
        assert _refused(office, [head.pk, wife.pk]).messages == [msg.ALREADY_ISSUED]
        again = _issue(office, [head.pk, wife.pk], reissue=True).copies[0]
        text = _flat(again.content)
        assert "再交付" in text  # [660]#3 「再交付と明記」
        assert (
            "テスト県甲村1番地" in text and re.sub(r"\s", "", DESTINATION) in text
        )  # as first printed
        assert "新県乙町九番地" not in text and "福岡県" not in text  # [660]#4: never the latest
        assert again.number != first.number  # a new issuance with its own number
        assert re.sub(r"\s", "", first.number) in text  # 当初の発行番号 stated
        assert Issuance.objects.filter(kind="tenshutsu").count() == 2
        assert MoveOutCertificate.objects.filter(event_id=event.pk).count() == 2  # kept once
        # a 再交付 of one of them prints only that person, still as first printed
        one = _flat(
            _issue(office, [wife.pk], reissue=True, requester=Requester("self", person_id=wife.pk))
            .copies[0]
            .content
        )
        assert wife.given_name in one and one.count("生年月日") == 1  # one member: her
        assert "昭和57年7月7日" in one and "昭和55年5月1日" not in one
        assert "新県乙町九番地" not in one


def test_a_reissue_needs_a_first_issue_and_a_preview_keeps_nothing(office) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        _move_out(office, [head.pk])
        asked = _refused(
            office, [head.pk], reissue=True, requester=Requester("self", person_id=head.pk)
        )
        assert asked.messages == [msg.NO_FIRST_ISSUE]
        preview = preview_pdf(
            _req([head.pk], requester=Requester("self", person_id=head.pk)), staff=office.clerk
        )
        assert "見本" in pdf_text(preview)
        assert not MoveOutCertificate.objects.exists() and not Issuance.objects.exists()


def test_who_may_not_get_a_move_out_certificate(office) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        self_head = Requester("self", person_id=head.pk)
        assert _refused(office, [head.pk], requester=self_head).messages == [msg.NOT_MOVING_OUT]
        apply(
            office,
            "move_out_abroad",
            {"person_ids": [son.pk], "destination": "アメリカ合衆国"},
            _today(),
        )
        assert _refused(
            office, [son.pk], requester=Requester("self", person_id=son.pk)
        ).messages == [msg.ABROAD]
        _move_out(office, [head.pk], days=5)
        _move_out(office, [wife.pk], days=6)
        assert _refused(office, [head.pk, wife.pk]).messages == [msg.ONE_MOVE_OUT]
        third = Requester("third_party", name="債権 太郎", purpose="債権回収")
        assert _refused(office, [head.pk], requester=third).messages == [msg.REQUESTER]
        official = Requester("official", name="某税務署", purpose="国税徴収法第146条の2")
        assert _refused(office, [head.pk], requester=official).messages == [msg.REQUESTER]
        agent = Requester("agent", name="代理 次郎", power_of_attorney=False, principal_id=head.pk)
        assert _refused(office, [head.pk], requester=agent).messages == [msg.REQUESTER]
        # the 転入通知 came: the move is done at the other end
        apply(
            office,
            "move_out_confirmed",
            {
                "person_ids": [head.pk],
                "new_head_id": wife.pk,
                "relationships": {str(wife.pk): "世帯主"},
            },
            _today(),
        )
        assert _refused(office, [head.pk], requester=self_head).messages == [msg.MOVED_IN]


def test_another_municipalitys_mover_is_not_found(office, office_b) -> None:
    with activate(office_b.ctx(office_b.clerk)):
        b_head, _, _ = family(office_b)
        _move_out(office_b, [b_head.pk])
        assert _issue(office_b, [b_head.pk], staff=office_b.clerk).copies
    with activate(office.ctx()):
        refused = _refused(office, [b_head.pk], requester=Requester("self", person_id=b_head.pk))
        assert refused.messages == [common.NOT_FOUND]
        refused = _refused(
            office, [b_head.pk], reissue=True, requester=Requester("self", person_id=b_head.pk)
        )
        assert refused.messages == [common.NOT_FOUND]
        assert not MoveOutCertificate.objects.exists()  # B's snapshots are not A's


@pytest.mark.std("440#1")
def test_a_protected_mover_is_not_revealed_to_staff_without_need_to_know(office) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
        staff = officer(office)
        _move_out(office, [wife.pk])
        support.start_measure(
            wife.pk,
            start=dt.date(2024, 1, 1),
            reason="DV",
            against=[{"person_id": head.pk}],
            staff=staff,
        )
        me = Requester("self", person_id=wife.pk)
        unknown = _refused(office, [999_999], requester=Requester("self", person_id=999_999))
        hidden = _refused(office, [wife.pk], requester=me)
        assert hidden.messages == unknown.messages == [common.NOT_FOUND]
        # staff with need-to-know issue it to her; a 再交付 from the clerk is refused the same way
        issued = _issue(office, [wife.pk], staff=staff, requester=me)
        assert wife.given_name in _flat(issued.copies[0].content)
        again = _refused(office, [wife.pk], requester=me, reissue=True)
        assert again.messages == [common.NOT_FOUND]
        assert "支援措置" not in " ".join(hidden.messages + again.messages)


def test_a_first_issue_taken_back_as_wrong_leaves_the_next_one_a_first_issue(office) -> None:
    from jichitai.certificates.issuance.history import dispose

    with activate(office.ctx()):
        head, _, _ = family(office)
        me = Requester("self", person_id=head.pk)
        _move_out(office, [head.pk])
        wrong = _issue(office, [head.pk], requester=me)
        apply(
            office,
            "ex_officio_correction",
            {"person_id": head.pk, "changes": {"honseki": "新県乙町九番地"}},
            _today(),
        )
        dispose(wrong.history_id, reason="本籍の誤りにより回収・廃棄")
        assert _refused(office, [head.pk], requester=me, reissue=True).messages == [
            msg.NO_FIRST_ISSUE
        ]
        right = _flat(_issue(office, [head.pk], requester=me).copies[0].content)
        assert "新県乙町九番地" in right and "再交付" not in right
        (row,) = MoveOutCertificate.objects.all()
        assert row.printed["member"]["本籍"] == "新県乙町九番地"  # the kept state is the new one
        again = _flat(_issue(office, [head.pk], requester=me, reissue=True).copies[0].content)
        assert "再交付" in again and "新県乙町九番地" in again
