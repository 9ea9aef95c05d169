"""[710]#1 転入通知未着照会書 as data: one per person of the 転入通知未着者一覧 who moved out (国内転出),
addressed to the 転出先; none for a 職権消除. From the protected side: staff without need-to-know
make none about a protected person and see no address of his household; another municipality's
persons never.
"""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.registry import documents
from jichitai.registry.documents import move_in_notice_inquiry as inquiry
from jichitai.registry.errors import RegistryError
from jichitai.registry.selectors import HIDDEN
from jichitai.tenancy.context import activate
from jichitai.wareki import format_date

from .conftest import apply, move_in_family, people
from .test_snapshots import _protect

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
OSAKA = "大阪府大阪市北区梅田1丁目"


def _plan(office, pid: int, days_ago: int, destination: str = OSAKA) -> dt.date:
    planned = TODAY - dt.timedelta(days=days_ago)
    apply(
        office,
        "move_out_planned",
        {"person_ids": [pid], "destination": destination, "planned_date": planned.isoformat()},
        planned - dt.timedelta(days=3),
    )
    return planned


@pytest.mark.std("710#1")
def test_one_inquiry_per_person_not_arrived_addressed_to_the_destination(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, son = people()
        planned = _plan(office, son.pk, 45)
        apply(
            office, "ex_officio_deletion", {"person_ids": [wife.pk]}, TODAY - dt.timedelta(days=40)
        )
        docs = inquiry.inquiries(staff=office.clerk, made_on=TODAY)
        assert [d.person_ids for d in docs] == [
            (son.pk,)
        ]  # the 職権消除 wife: no 転出先, no inquiry
        (doc,) = docs
        assert (
            doc.kind == "move_in_notice_inquiry"
            and doc.title == "転入通知未着照会書"
            and doc.functions == ("710",)
        )
        assert doc.fields["宛先"] == f"{OSAKA}を管轄する市区町村長"
        assert doc.fields["氏名"] == son.full_name and doc.fields["転出先の住所（予定）"] == OSAKA
        assert (
            doc.fields["転出予定年月日"] == format_date(planned)
            and doc.fields["経過日数"] == "45日"
        )
        assert "本町一丁目1番地2" in doc.fields["転出前の住所"] and doc.fields["照会元"].endswith(
            "長"
        )
        assert doc.municipality_code == office.municipality.code
        one = documents.build(
            "move_in_notice_inquiry", staff=office.clerk, person_id=son.pk, made_on=TODAY
        )
        assert one == doc
        for not_listed in (wife.pk, head.pk):  # 職権消除; no 転出
            with pytest.raises(RegistryError):
                documents.build("move_in_notice_inquiry", staff=office.clerk, person_id=not_listed)
        assert inquiry.inquiries(staff=office.clerk, days=50) == []  # the days asked for


@pytest.mark.std("710#1")
def test_no_inquiry_about_a_protected_person_for_staff_without_need_to_know(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        _, wife, son = people()
        _plan(office, son.pk, 45, destination="福岡県福岡市中央区天神1丁目")
        _plan(office, wife.pk, 45)
        officer = _protect(office, son.pk)
        docs = inquiry.inquiries(staff=office.clerk)
        assert [d.person_ids for d in docs] == [(wife.pk,)]
        text = repr(docs)
        assert son.given_name not in text and "福岡" not in text
        # his co-resident's inquiry hides the household's address
        assert docs[0].fields["転出前の住所"] == HIDDEN and "本町" not in text
        with pytest.raises(RegistryError) as exc:
            documents.build("move_in_notice_inquiry", staff=office.clerk, person_id=son.pk)
        assert "支援措置" in exc.value.violations[0].message
        # the officer with need-to-know makes both
        mine = inquiry.inquiries(staff=officer)
        assert {d.person_ids for d in mine} == {(son.pk,), (wife.pk,)}
        assert all("本町一丁目" in d.fields["転出前の住所"] for d in mine)


@pytest.mark.std("710#1")
def test_another_municipalitys_persons_never(office, office_b) -> None:
    with activate(office_b.ctx()):
        move_in_family(office_b, family="渡辺")
        theirs = people()[2]
        _plan(office_b, theirs.pk, 60)
        assert [d.person_ids for d in inquiry.inquiries(staff=office_b.clerk)] == [(theirs.pk,)]
    with activate(office.ctx()):
        move_in_family(office)
        assert inquiry.inquiries(staff=office.clerk) == []
        with pytest.raises(RegistryError):
            documents.build("move_in_notice_inquiry", staff=office.clerk, person_id=theirs.pk)
