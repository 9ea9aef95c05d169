"""交付履歴照会 by the items of the 交付履歴 ([360]#2): the search screen, the 支援措置 rule from the
protected side, and another municipality's rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from jichitai.audit.models import AuditEntry
from jichitai.certificates.issuance import Requester, Station, issue
from jichitai.certificates.issuance.fake import fake_renderer
from jichitai.certificates.issuance.history import dispose
from jichitai.certificates.issuance.history_search import HistoryQuery
from jichitai.certificates.models import Issuance
from jichitai.registry import support
from jichitai.tenancy.context import activate
from jichitai.web.certificates.search import parse_query
from jichitai.web.registry.views.common import Errors
from tests.certificates.conftest import request

from .conftest import family, login, officer

pytestmark = pytest.mark.django_db
AT = timezone.make_aware(dt.datetime(2025, 3, 31, 10, 0))
NORTH = Station(terminal="北支所2", printer="P2", place="北支所窓口")
THIRD = Requester("third_party", name="山田　債権", purpose="債権回収のため")
OFFICIAL = Requester("official", name="〇〇税務署", purpose="国税徴収法第141条")


def _issue(office: Any, subjects: list[int], staff: Any = None, **changes: Any) -> str:
    now = changes.pop("now", None)
    req = replace(request(subjects, **changes.pop("options", {})), **changes)
    issued = issue(req, staff=staff or office.clerk, renderer=fake_renderer, now=now)
    return issued.copies[0].number


def _setup(office: Any) -> dict[str, Any]:
    head, wife, son = family(office)
    made = {
        "head": _issue(office, [head.pk], options={"my_number": True}),
        "old": _issue(office, [son.pk], requester=Requester("self", person_id=son.pk), now=AT),
        "third": _issue(office, [son.pk], requester=THIRD),
        "official": _issue(
            office, [head.pk], staff=office.approver, requester=OFFICIAL, options={"copies": 2}
        ),
        "north": _issue(office, [head.pk], station=NORTH),
        "wife": _issue(office, [wife.pk], requester=Requester("household", person_id=head.pk)),
        "persons": (head, wife, son),
    }
    return made


def _found(client: Client, made: dict[str, Any], **params: str) -> set[str]:
    page = client.get("/certificates/history/", params)
    assert page.status_code == 200
    body = page.content.decode()
    results = body.split('id="history-results"', 1)[1]  # not the form, which echoes the query
    return {k for k, v in made.items() if k != "persons" and v in results}


@pytest.mark.std("360#2")
def test_search_by_each_item_of_the_history(office, staff_client) -> None:
    with activate(office.ctx()):
        made = _setup(office)
        north = next(r.pk for r in Issuance.objects.all() if made["north"] in r.numbers)
        dispose(north, reason="取り違え")
    client = staff_client("clerk")
    everything = {"head", "old", "third", "official", "north", "wife"}
    today = timezone.localdate().isoformat()
    assert _found(client, made, day_from=today) == everything - {"old"}
    assert _found(client, made, day_from="令和7年3月31日", day_to="2025-03-31") == {"old"}
    assert _found(client, made, kind="juminhyo") == everything
    assert _found(client, made, kind="joshu") == set()
    assert _found(client, made, requester_kind="third_party") == {"third"}
    assert _found(client, made, requester_kind="official") == {"official"}
    assert _found(client, made, requester_name="山田") == {"third"}
    assert _found(client, made, number=made["official"]) == {"official"}
    assert _found(client, made, staff="決裁") == {"official"}
    assert _found(client, made, staff="clerk-wa") == everything - {"official"}
    assert _found(client, made, terminal="北支所") == {"north"}
    assert _found(client, made, place="北支所") == {"north"}
    assert _found(client, made, disposed="yes") == {"north"}
    assert _found(client, made, disposed="no") == everything - {"north"}
    _, _, son = made["persons"]
    assert _found(client, made, subject_id=str(son.pk)) == {"old", "third"}
    assert _found(client, made, item="個人番号") == {"head"}
    assert _found(client, made, pages="2") == {"official"}
    assert client.get("/certificates/history/", {"pages": "二"}).status_code == 400
    page = client.get("/certificates/history/", {"requester_name": "山田"}).content.decode()
    assert "第三者（山田　債権）" in page and "1件" in page


def test_a_protected_persons_rows_never_reach_staff_without_need_to_know(
    office, staff_client
) -> None:
    with activate(office.ctx()):
        made = _setup(office)
        head, wife, _ = made["persons"]
        staff = officer(office)
        support.start_measure(
            wife.pk,
            start=dt.date(2024, 1, 1),
            reason="DV",
            against=[{"person_id": head.pk}],
            staff=staff,
        )
        alerts = AuditEntry.objects.filter(
            category="alert", action="support_measure.access", subject_id=str(wife.pk)
        ).count()
    clerk = staff_client("clerk")
    # by her issuance's own number, by the household requester's kind, by the day: never shown
    assert _found(clerk, made, number=made["wife"]) == set()
    assert _found(clerk, made, subject_id=str(wife.pk)) == set()
    assert "wife" not in _found(clerk, made, requester_kind="household")
    broad = clerk.get("/certificates/history/", {"kind": "juminhyo"}).content.decode()
    assert made["wife"] not in broad and f"/certificates/person/{wife.pk}/history/" not in broad
    assert f"/certificates/person/{head.pk}/history/" in broad
    assert f">{wife.pk}</a>" not in broad and made["head"] in broad
    with activate(office.ctx()):
        after = AuditEntry.objects.filter(
            category="alert", action="support_measure.access", subject_id=str(wife.pk)
        ).count()
    assert after > alerts  # each access to her rows is alerted, even when nothing is shown
    # the 支援措置担当 (need to know) finds it
    seen = login(Client(), staff, office.municipality)
    assert _found(seen, made, number=made["wife"]) == {"wife"}


def test_another_municipalitys_rows_never_appear(office, office_b) -> None:
    with activate(office.ctx()):
        made = _setup(office)
    with activate(office_b.ctx(office_b.clerk)):
        b_head, _, _ = family(office_b)
        own = _issue(office_b, [b_head.pk])
    client_b = login(Client(), office_b.clerk, office_b.municipality)
    assert _found(client_b, made, kind="juminhyo") == set()
    assert _found(client_b, made, number=made["head"]) == set()
    assert _found(client_b, made, staff="clerk") == set()
    assert own in client_b.get("/certificates/history/", {"kind": "juminhyo"}).content.decode()


def test_bad_or_empty_input_is_answered_without_error(office, staff_client) -> None:
    client = staff_client("clerk")
    empty = client.get("/certificates/history/")
    assert (
        empty.status_code == 200
        and "検索する項目を1つ以上入力してください。" in empty.content.decode()
    )
    bad = client.get("/certificates/history/", {"day_from": "平成32年2月30日"})
    assert bad.status_code == 400
    assert "交付日（から）を正しく入力してください" in bad.content.decode()
    odd = client.get(
        "/certificates/history/",
        {"kind": "<script>", "disposed": "maybe", "requester_kind": "x" * 500},
    )
    assert odd.status_code == 200 and "<script>" not in odd.content.decode()


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "day_from",
                "day_to",
                "kind",
                "requester_kind",
                "requester_name",
                "number",
                "staff",
                "terminal",
                "place",
                "disposed",
                "subject_id",
                "pages",
                "item",
            ]
        ),
        st.text(max_size=40),
    )
)
def test_query_parser_never_fails(values: dict[str, str]) -> None:
    errors = Errors()
    query = parse_query(values, errors)
    assert isinstance(query, HistoryQuery)
    assert all(len(getattr(query, f)) <= 100 for f in ("requester_name", "number", "staff"))
    assert query.disposed in ("", "yes", "no")
