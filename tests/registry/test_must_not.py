"""The standard's MUST-NOT items the register once broke, each tried through every way in.

[330] 2.1.2 #5: （株）・（有）等の記号を入力及び検索できること — must not: such a name is refused at
entry (submit, API) and a search for one is refused (selector, API, web) and finds nobody.
[720] 4.1.4.1 #2: 世帯変更等と同時に住所の変更を行えること — must not: a 世帯合併 into a household at
another address (or 方書) is refused with the advice to enter a 転居 first; a 世帯分離 carries no
address at all. Another municipality's rows are tried too, and stay out of reach.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jichitai.registry import events, rules, selectors
from jichitai.registry.errors import RegistryError
from jichitai.registry.models import Household, Person, RegistryEvent
from jichitai.tenancy.context import activate
from tests.api.conftest import API, login_client, post
from tests.web_registry.conftest import login

from .conftest import apply, person_spec

pytestmark = pytest.mark.django_db
D = dt.date

FORBIDDEN = ["（株）", "（有）", "㈱", "㈲", "(株)", "(有)", "㍿", "㊑", "㊒", "（ 株 ）", "【株】", "〔有〕",
             "［有］", "（社）", "（財）", "(一社)", "（公財）", "㈳", "㈶", "㈾", "（合）", "（同）"]
NAME_MESSAGE = "に（株）・（有）・㈱などの法人の略称記号"
SEARCH_MESSAGE = "検索する氏名に（株）・（有）・㈱などの法人の略称記号"
MERGE_MESSAGE = "先に転居（方書のみの相違は職権修正）を入力し"


def _move_in(office: Any, family: str = "山田", given_: str = "商太", *, address: Any = None,
             banchi: str = "5番地", katagaki: str = "", **person: Any) -> dict[str, Any]:
    return {
        "household": {"new": {"address_id": (address or office.address).pk, "banchi": banchi, "katagaki": katagaki}},
        "persons": [person_spec("p1", family, given_, "1990-03-03", "世帯主", family_kana="ヤマダ",
                                given_kana="ショウタ", **person)],
        "previous_address": "大阪府大阪市北区1番",
    }


def _submit(office: Any, kind: str, req: dict[str, Any]) -> Any:
    return events.submit_event(kind, req, effective_date=D(2024, 2, 1), reported_date=None,
                               entered_by=office.clerk, confirm_duplicates=True)


def _refusal(office: Any, kind: str, req: dict[str, Any]) -> list[Any]:
    with activate(office.ctx()), pytest.raises(RegistryError) as exc:
        _submit(office, kind, req)
    return exc.value.violations


# --- [330] 2.1.2 #5: no （株）・（有） in a name, nor in a search ----------------------------------


@pytest.mark.std("330#5")
@pytest.mark.parametrize("family", ["（株）山田", "山田（有）", "㈱山田", "山㈲田", "(株)山田", "山田㍿", "【株】山田"])
def test_a_corporate_abbreviation_in_a_name_is_refused_at_entry(office, family: str) -> None:
    (v,) = [v for v in _refusal(office, "move_in", _move_in(office, family=family))
            if v.rule == "corporate_abbreviation"]
    assert v.message.startswith("氏" + NAME_MESSAGE) and v.field.endswith("family_name")
    with activate(office.ctx()):
        assert not RegistryEvent.objects.exists() and not Person.objects.without_read_log("test").exists()


@pytest.mark.std("330#5")
@pytest.mark.parametrize(("item", "value", "label"), [
    ("given_name", "（有）商太", "名"), ("family_name_kana", "(カ)ヤマダ", "氏（ふりがな）"),
    ("given_name_kana", "ｶ)ショウタ", "名（ふりがな）"), ("alias", "山田㈱", "通称"),
])
def test_every_name_item_refuses_the_symbols(office, item: str, value: str, label: str) -> None:
    req = _move_in(office)
    req["persons"][0][item] = value
    (v,) = [v for v in _refusal(office, "move_in", req) if v.rule == "corporate_abbreviation"]
    assert v.message.startswith(label + NAME_MESSAGE)


@pytest.mark.std("330#5")
def test_a_name_change_to_an_abbreviation_is_refused_and_so_is_the_api_entry(office, tenants) -> None:
    with activate(office.ctx()):
        apply(office, "move_in", _move_in(office), D(2024, 2, 1))
        pid = Person.objects.without_read_log("test").get().pk
    (v,) = _refusal(office, "name_change", {"person_id": pid, "family_name": "（株）山田"})
    assert v.rule == "corporate_abbreviation" and NAME_MESSAGE in v.message
    client, _ = login_client(tenants.a, "clerk")
    body = {"kind": "move_in", "effective_date": "2024-02-01", "reported_date": "2024-02-01",
            "request": _move_in(office, family="㈲佐藤")}
    resp = post(client, "/events", body, key="must-not-330")
    assert resp.status_code == 422, resp.content
    assert any(e["rule"] == "corporate_abbreviation" and NAME_MESSAGE in e["message"] for e in resp.json()["errors"])
    with activate(office.ctx()):
        assert [p.family_name for p in Person.objects.without_read_log("test")] == ["山田"]


@pytest.mark.std("330#5")
def test_a_search_for_an_abbreviation_is_refused_everywhere_and_finds_nobody(office, office_b, tenants) -> None:
    with activate(office.ctx()):
        apply(office, "move_in", _move_in(office), D(2024, 2, 1))
        for name in ("（株）山田", "㈱", "山田(有)"):
            with pytest.raises(RegistryError) as exc:
                selectors.search(selectors.SearchQuery(name=name), staff=office.clerk)
            (v,) = exc.value.violations
            assert (v.rule, v.field) == ("corporate_abbreviation", "name") and v.message.startswith(SEARCH_MESSAGE)
        with pytest.raises(RegistryError) as exc:
            selectors.search(selectors.SearchQuery(kana="（カ）ヤマダ"), staff=office.clerk)
        assert exc.value.violations[0].field == "kana"
    client, _ = login_client(tenants.a, "clerk")
    resp = client.get(f"{API}/persons", {"name": "（株）山田"})
    assert resp.status_code == 422 and resp.json()["errors"][0]["rule"] == "corporate_abbreviation"
    assert "results" not in resp.json()
    from django.test import Client

    page = login(Client(), office.clerk, office.municipality).get("/registry/", {"name": "（株）山田"})
    text = page.content.decode()
    assert page.status_code == 200 and SEARCH_MESSAGE in text and "商太" not in text


@pytest.mark.std("330#5")
def test_an_ordinary_name_still_registers_and_is_found_only_in_its_municipality(office, office_b, tenants) -> None:
    with activate(office_b.ctx()):
        apply(office_b, "move_in", _move_in(office_b, given_="別市"), D(2024, 2, 1))
    with activate(office.ctx()):
        apply(office, "move_in", _move_in(office), D(2024, 2, 1))
        page = selectors.search(selectors.SearchQuery(name="山田"), staff=office.clerk)
        assert ["商太" in r.name for r in page.results] == [True]  # B's 山田 別市 is not A's to find
    client, _ = login_client(tenants.a, "clerk")
    found = client.get(f"{API}/persons", {"name": "山田"}).json()["results"]
    assert ["商太" in r["name"] for r in found] == [True]


KANJI = "山田佐藤鈴木高橋髙田中伊渡辺邉小林加吉本一郎花子太次美和真由香健翔大輝"
ORDINARY = st.text(alphabet=KANJI + "あいうえおかきくけこさしすせそやゆよアイウエオカキクケコヤユヨ",
                   min_size=1, max_size=10)


@pytest.mark.std("330#5")
@settings(max_examples=150, deadline=None)
@given(name=ORDINARY, symbol=st.sampled_from(FORBIDDEN), at=st.integers(min_value=0, max_value=10),
       item=st.sampled_from(["family_name", "given_name", "former_surname"]))
def test_property_any_abbreviation_anywhere_is_refused_and_ordinary_names_pass(
        name: str, symbol: str, at: int, item: str) -> None:
    rules.validate_name({"family_name": name, "given_name": name, item: name})  # ordinary: passes
    bad = name[:at] + symbol + name[at:]
    with pytest.raises(RegistryError) as exc:
        rules.validate_name({"family_name": "山田", item: bad})
    (v,) = exc.value.violations
    assert (v.rule, v.field) == ("corporate_abbreviation", item)


# --- [720] 4.1.4.1 #2: no address change together with a 世帯変更等 --------------------------------


def _two_households(office: Any, **second: Any) -> tuple[Any, Any]:
    """山田 at 本町一丁目 5番地; 佐藤 where ``second`` says (default: the same address)."""
    with activate(office.ctx()):
        apply(office, "move_in", _move_in(office), D(2024, 2, 1))
        apply(office, "move_in", _move_in(office, family="佐藤", given_="次郎", **second), D(2024, 2, 1))
        rows = Person.objects.without_read_log("test").order_by("pk")
        return rows[0], rows[1]


def _merge(src: Any, dst: Any) -> dict[str, Any]:
    return {"from_household_id": src.household_id, "to_household_id": dst.household_id,
            "relationships": {str(src.pk): "同居人"}}


@pytest.mark.std("720#2")
@pytest.mark.parametrize("where", [{"address": "address2"}, {"banchi": "9番地"}, {"katagaki": "栄ハイツ101"}])
def test_a_merge_into_a_household_elsewhere_is_refused_with_the_advice(office, tenants, where: dict) -> None:
    second = {k: getattr(office, v) if k == "address" else v for k, v in where.items()}
    yamada, sato = _two_households(office, **second)
    (v,) = _refusal(office, "household_merge", _merge(sato, yamada))
    assert v.rule == "address_change_in_household_change" and MERGE_MESSAGE in v.message
    client, _ = login_client(tenants.a, "clerk")
    body = {"kind": "household_merge", "effective_date": "2024-03-01", "request": _merge(sato, yamada)}
    resp = post(client, "/events", body, key="must-not-720")
    assert resp.status_code == 422 and MERGE_MESSAGE in resp.json()["errors"][0]["message"]
    with activate(office.ctx()):
        assert Person.objects.without_read_log("test").get(pk=sato.pk).household_id == sato.household_id
        assert not RegistryEvent.objects.filter(kind="household_merge").exists()


@pytest.mark.std("720#2")
def test_a_merge_at_the_same_address_works_and_so_does_one_after_a_move(office) -> None:
    yamada, sato = _two_households(office)
    with activate(office.ctx()):
        apply(office, "household_merge", _merge(sato, yamada), D(2024, 3, 1))
        assert Person.objects.without_read_log("test").get(pk=sato.pk).household_id == yamada.household_id
    # elsewhere: the 転居 first, as the message says, then the 世帯合併 goes through
    with activate(office.ctx()):
        apply(office, "move_in", _move_in(office, family="鈴木", given_="三郎", address=office.address2),
              D(2024, 2, 1))
        suzuki = Person.objects.without_read_log("test").get(family_name="鈴木")
        apply(office, "move_within", {"person_ids": [suzuki.pk],
                                      "address": {"address_id": office.address.pk, "banchi": "5番地"}}, D(2024, 3, 2))
        suzuki = Person.objects.without_read_log("test").get(pk=suzuki.pk)
        apply(office, "household_merge", _merge(suzuki, yamada), D(2024, 3, 3))
        assert Person.objects.without_read_log("test").get(pk=suzuki.pk).household_id == yamada.household_id


@pytest.mark.std("720#2")
def test_a_split_cannot_carry_a_new_address(office) -> None:
    yamada, _ = _two_households(office)
    with activate(office.ctx()):
        req = _move_in(office, family="山田", given_="花子")
        req["persons"][0]["relationship"] = "妻"
        apply(office, "move_in", {**req, "household": {"existing_id": yamada.household_id}}, D(2024, 2, 2))
        hanako = Person.objects.without_read_log("test").get(given_name="花子")
    address = {"address_id": office.address2.pk, "banchi": "1番地"}
    for extra in ({"address": address}, {"household": {"new": address}}, address):
        found = _refusal(office, "household_split", {"person_ids": [hanako.pk], **extra})
        assert {v.rule for v in found} == {"unknown_item"}
    with activate(office.ctx()):
        apply(office, "household_split", {"person_ids": [hanako.pk]}, D(2024, 3, 1))
        old, new = (Household.objects.get(pk=h) for h in (yamada.household_id,
                                                           Person.objects.without_read_log("t").get(pk=hanako.pk)
                                                           .household_id))
        assert old.pk != new.pk
        assert (new.address_id, new.banchi, new.katagaki) == (old.address_id, old.banchi, old.katagaki)


@pytest.mark.std("720#2")
def test_a_merge_into_another_municipalitys_household_is_refused(office, office_b) -> None:
    with activate(office_b.ctx()):
        apply(office_b, "move_in", _move_in(office_b, family="別市"), D(2024, 2, 1))
        other = Person.objects.without_read_log("test").get()
    yamada, _ = _two_households(office)
    merge = {"from_household_id": yamada.household_id, "to_household_id": other.household_id,
             "relationships": {str(yamada.pk): "同居人"}}
    with activate(office.ctx()), pytest.raises(RegistryError):
        _submit(office, "household_merge", merge)
    with activate(office_b.ctx()):
        assert Person.objects.without_read_log("test").get().household_id == other.household_id
        assert Person.objects.without_read_log("test").count() == 1


def _move_in_530(office: Any, given: str) -> dict[str, Any]:
    return {"household": {"new": {"address_id": office.address.pk, "banchi": "7番地"}},
            "persons": [person_spec("p1", "決裁", given, "1980-01-02", "世帯主")],
            "previous_address": "大阪府大阪市北区1番"}


@pytest.mark.std("530#7")
def test_the_event_keeps_no_approver_and_no_approval_date_530_7(office, office_b) -> None:
    """[530]#7 must not: the 決裁 keeping the approver's name and approval date on the 異動. The
    row has no such column; approval and rejection evidence is in the operation log only."""
    import json

    from jichitai.audit.models import AuditEntry

    assert not {"approved_by", "approved_at", "rejected_by"} & {f.name for f in RegistryEvent._meta.get_fields()}
    with activate(office.ctx(office.approver)):
        approved = events.submit_event("move_in", _move_in_530(office, "一郎"), effective_date=dt.date(2024, 3, 1),
                                       reported_date=None, entered_by=office.clerk).event
        rejected = events.submit_event("move_in", _move_in_530(office, "二郎"), effective_date=dt.date(2024, 3, 1),
                                       reported_date=None, entered_by=office.clerk).event
        events.approve_event(approved.pk, approver=office.approver)
        events.reject_event(rejected.pk, approver=office.approver, reason="書類不備")
        rows = {r["id"]: r for r in RegistryEvent.objects.filter(pk__in=[approved.pk, rejected.pk]).values()}
        assert rows[approved.pk]["status"] == "approved" and rows[approved.pk]["registered_at"] is not None
        assert rows[rejected.pk]["status"] == "rejected" and rows[rejected.pk]["registered_at"] is None
        for pk, action in ((approved.pk, "registry.event.approved"), (rejected.pk, "registry.event.rejected")):
            entry = AuditEntry.objects.get(action=action, subject_id=str(pk))
            assert json.loads(entry.detail_json)["approved_by"] == office.approver.pk
            assert entry.staff_id == office.approver.pk
    # another municipality cannot approve A's event, nor read its log
    with activate(office_b.ctx(office_b.approver)):
        with pytest.raises(RegistryError):
            events.approve_event(rejected.pk, approver=office_b.approver)
        assert not AuditEntry.objects.filter(subject_id=str(approved.pk), action="registry.event.approved").exists()
