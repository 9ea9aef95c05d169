"""統計 ([1080]): the 年報 and 入管 tables counted set-wise in SQL agree with ``as_of`` person by
person (hypothesis over random event sequences), a 転出予定者 counts until the 転出予定日, the
稼働月 clips the period, another municipality never counts, and nothing person-level leaves."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from jichitai.registry import selectors, statistics
from jichitai.registry.models import Person
from jichitai.registry.selectors import move_outs
from jichitai.registry.statistics import export
from jichitai.registry.statistics.tables import BANDS, age, band_label
from jichitai.tenancy.context import activate

from .conftest import D, apply, move_in_family, people, person_spec
from .test_as_of import START, _apply_step, step

pytestmark = pytest.mark.django_db
FOREIGN = {
    "resident_type": "foreign",
    "nationality": "ベトナム",
    "honseki": "",
    "hittousha": "",
    "foreign_category": "mid_long",
    "residence_status": "技能実習",
    "residence_card_no": "AB12345678CD",
    "became_foreign_resident_on": "2015-04-01",
}


def _foreign_family(office: Any, on: dt.date, category: str = "mid_long") -> Any:
    items = {**FOREIGN, "foreign_category": category}
    if category == "special_permanent":
        items.update(
            residence_status="", residence_card_no="", special_permanent_cert_no="AB12345678CD"
        )
    head = person_spec("f1", "グエン", "ヴァン", "1990-02-02", "世帯主", **items)
    wife = person_spec(
        "f2", "グエン", "ティ", "1992-03-03", "妻", sex="2", given_kana="ティ", **items
    )
    return apply(
        office,
        "move_in",
        {
            "household": {"new": {"address_id": office.address2.pk, "banchi": "9番地"}},
            "persons": [head, wife],
            "previous_address": "大阪府堺市1番",
        },
        on,
        confirm_duplicates=True,
    )


def _all_ids() -> list[int]:
    return list(
        Person.objects.without_read_log("テスト: 統計の照合")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _replayed(on: dt.date) -> list[dict[str, Any]]:
    """Residents 「on 現在」 (start of the day) by replaying each person's log with ``as_of``."""
    day = on - dt.timedelta(days=1)
    out = []
    for pid in _all_ids():
        row = selectors.as_of(pid, day)
        if row is not None and move_outs.effective(_dated(row), day).get("status") == "resident":
            out.append(row)
    return out


def _dated(row: dict[str, Any]) -> dict[str, Any]:
    planned = row.get("move_out_planned_on")
    return {**row, "move_out_planned_on": dt.date.fromisoformat(planned) if planned else None}


def _expected(on: dt.date) -> dict[str, Any]:
    rows = _replayed(on)
    pop = Counter((r["resident_type"], r["sex"]) for r in rows)
    homes: dict[int, set[str]] = {}
    for r in rows:
        homes.setdefault(r["household_id"], set()).add(r["resident_type"])
    kinds = Counter(next(iter(t)) if len(t) == 1 else "mixed" for t in homes.values())
    bands = Counter()
    for r in rows:
        years = age(dt.date.fromisoformat(r["birth_date"]), on)
        lo, hi = BANDS[min(years // 5, len(BANDS) - 1)]
        bands[(band_label(lo, hi), r["resident_type"], r["sex"])] += 1
    return {"pop": pop, "homes": kinds, "bands": bands}


def _assert_matches(report: statistics.Report, on: dt.date) -> None:
    exp = _expected(on)
    pop = report.table("population")
    for rtype, label in (("japanese", "日本人"), ("foreign", "外国人")):
        assert pop.cell(label, "男") == exp["pop"][(rtype, "1")]
        assert pop.cell(label, "女") == exp["pop"][(rtype, "2")]
    assert pop.cell("総計", "計") == sum(exp["pop"].values())
    homes = report.table("households")
    assert homes.cell("日本人のみの世帯", "世帯数") == exp["homes"]["japanese"]
    assert homes.cell("外国人のみの世帯", "世帯数") == exp["homes"]["foreign"]
    assert homes.cell("複数国籍世帯", "世帯数") == exp["homes"]["mixed"]
    ages = report.table("ages")
    for lo, hi in BANDS:
        label = band_label(lo, hi)
        assert ages.cell(label, "日本人（男）") == exp["bands"][(label, "japanese", "1")]
        assert ages.cell(label, "外国人（女）") == exp["bands"][(label, "foreign", "2")]


@pytest.mark.std("1080#1", "1080#4")
@example(
    steps=[("move_out", 30, 5), ("nationality", 200, 0), ("abroad_return", 300, 1)],
    probes=[20, 36, 400],
)
@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(step, min_size=1, max_size=6),
    probes=st.lists(st.integers(min_value=-30, max_value=1600), min_size=2, max_size=4),
)
def test_tables_equal_a_per_person_as_of_replay(
    office: Any, steps: list[Any], probes: list[int]
) -> None:
    """The set-wise SQL count equals replaying every person with ``as_of`` (a 転出予定者 whose
    転出予定日 has not come counting as 住民), for random histories and reference dates."""
    with transaction.atomic(), activate(office.ctx()):
        move_in_family(office, START)
        _foreign_family(office, START + dt.timedelta(days=40))
        for kind, day, n in steps:
            _apply_step(office, kind, day, n)
        for offset in probes:
            on = START + dt.timedelta(days=offset)
            _assert_matches(statistics.report(on), on)
        transaction.set_rollback(True)


@pytest.mark.std("1080#1")
def test_the_year_adds_up_and_each_reason_is_counted(office: Any) -> None:
    """年報: 記載 and 消除 by the standard's 事由, 日本人/外国人 and 男/女, and the 検証 (期首人口 +
    記載 − 消除 = 基準日現在の人口)."""
    with activate(office.ctx()):
        move_in_family(office, D(2023, 4, 1))
        head, wife, child = people()
        _foreign_family(office, D(2024, 2, 1))
        apply(
            office,
            "birth",
            {
                "household_id": head.household_id,
                "person": person_spec("c", "髙橋", "次郎", "", "子", given_kana="ジロウ"),
            },
            D(2024, 5, 5),
        )
        apply(office, "death", {"person_id": child.pk}, D(2024, 6, 1))
        apply(
            office,
            "move_out_abroad",
            {"person_ids": [wife.pk], "destination": "カナダ"},
            D(2024, 8, 1),
        )
        apply(
            office,
            "move_in",
            {
                "household": {"new": {"address_id": office.address.pk, "banchi": "3番地"}},
                "persons": [person_spec("x", "佐藤", "一", "2000-01-01", "世帯主")],
                "previous_address": "東京都千代田区千代田1番1号",
            },
            D(2025, 1, 1),
        )  # next year
        report = statistics.report(D(2025, 1, 1))
        assert (report.start, report.end) == (D(2024, 1, 1), D(2024, 12, 31))
        entries, removals = report.table("entries"), report.table("removals")
        assert (
            entries.cell("国内転入", "外国人（男）") == 1
            and entries.cell("国内転入", "外国人（女）") == 1
        )
        assert entries.cell("国内転入", "日本人（計）") == 0  # the 2025-01-01 転入 is next year's
        assert entries.cell("出生", "日本人（男）") == 1
        assert removals.cell("死亡", "日本人（男）") == 1
        assert removals.cell("国外転出", "日本人（女）") == 1
        assert entries.cell("計", "総計") == 3 and removals.cell("計", "総計") == 2
        check = report.table("check")
        assert (
            check.cell("日本人", "期首人口") == 3 and check.cell("日本人", "基準日現在の人口") == 2
        )
        assert check.cell("外国人", "基準日現在の人口") == 2
        assert report.balanced
        _assert_matches(report, D(2025, 1, 1))


@pytest.mark.std("1080#4")
def test_a_planned_move_out_counts_as_resident_until_its_date(office: Any) -> None:
    """[1080]#4: 転出予定日 not yet come on the 基準日 → 現存者; from the 転出予定日 on, 国内転出."""
    with activate(office.ctx()):
        move_in_family(office, D(2023, 4, 1))
        _, wife, _ = people()
        apply(
            office,
            "move_out_planned",
            {
                "person_ids": [wife.pk],
                "destination": "大阪府大阪市北区",
                "planned_date": "2025-01-10",
            },
            D(2024, 12, 20),
        )
        before = statistics.report(D(2025, 1, 1))
        assert before.table("population").cell("日本人", "女") == 1
        assert before.table("removals").cell("国内転出", "総計") == 0
        on_day = statistics.report(D(2025, 1, 10))  # 「1月10日現在」: the 消除 happens that day
        assert on_day.table("population").cell("日本人", "女") == 1
        after = statistics.report(D(2025, 1, 11))
        assert after.table("population").cell("日本人", "女") == 0
        assert after.table("removals").cell("国内転出", "日本人（女）") == 1
        # the 転入通知 that confirms it is the same 転出, not a second one
        apply(
            office,
            "move_out_confirmed",
            {"person_ids": [wife.pk], "notice_date": "2025-01-20", "moved_in_on": "2025-01-10"},
            D(2025, 1, 20),
        )
        year = statistics.report(D(2026, 1, 1))
        assert year.table("removals").cell("国内転出", "総計") == 1 and year.balanced


@pytest.mark.std("1080#3")
def test_statistics_count_from_the_go_live_month_only(office: Any) -> None:
    """[1080]#3: after a migration the period starts at the 稼働月; an earlier 基準日 is refused."""
    from jichitai.tenancy.models import MunicipalSetting

    with activate(office.ctx()):
        move_in_family(office, D(2024, 3, 1))  # migrated history (the old system's 転入)
        MunicipalSetting.objects.create(key=statistics.GO_LIVE_SETTING, value="2024-07")
        _foreign_family(office, D(2024, 9, 1))
        report = statistics.report(D(2025, 1, 1))
        assert report.start == D(2024, 7, 1) and report.clipped
        assert report.table("entries").cell("国内転入", "日本人（計）") == 0  # before the 稼働月
        assert report.table("entries").cell("国内転入", "外国人（計）") == 2
        assert report.table("check").cell("日本人", "期首人口") == 3 and report.balanced
        with pytest.raises(statistics.StatisticsError) as exc:
            statistics.report(D(2024, 6, 1))
        assert "旧システム" in exc.value.message
        text = export.to_csv(report, "テスト市").decode("utf-8-sig")
        assert "新システム稼働月,令和6年7月" in text and "旧システムで集計" in text


@pytest.mark.std("1080#2")
def test_the_immigration_report_items(office: Any) -> None:
    """[1080]#2: 外国人住民 by 区分 and 国籍・地域, the 届出 that count as 住居地届出, the 市町村通知."""
    with activate(office.ctx()):
        move_in_family(office, D(2023, 4, 1))
        _foreign_family(office, D(2024, 2, 1))
        _foreign_family(office, D(2024, 3, 1), category="special_permanent")
        first = people(resident_type="foreign")[:2]
        apply(
            office,
            "move_within",
            {
                "person_ids": [p.pk for p in first],
                "address": {"address_id": office.address.pk, "banchi": "5番地"},
            },
            D(2024, 4, 1),
        )
        report = statistics.report(D(2025, 1, 1))
        cats = report.table("foreign_categories")
        assert cats.cell("中長期在留者", "計") == 2 and cats.cell("特別永住者", "男") == 1
        assert report.table("nationalities").cell("ベトナム", "計") == 4
        notices = report.table("residence_notices")
        assert notices.cell("転入届（住基法第22条）", "中長期在留者") == 2
        assert notices.cell("転入届（住基法第22条）", "特別永住者") == 2
        assert notices.cell("転居届（住基法第23条）", "中長期在留者") == 2
        assert notices.cell("計", "計") == 6
        municipal = report.table("municipal_notices")
        assert municipal.cell("記載", "計") == 4 and municipal.cell("修正", "計") == 2
        assert municipal.cell("消除", "計") == 0


def test_another_municipality_never_counts(office: Any, office_b: Any) -> None:
    """Tenant isolation: municipality B's persons and 異動 are not in A's tables, and the other way."""
    with activate(office_b.ctx()):
        move_in_family(office_b, D(2024, 4, 1))
        _foreign_family(office_b, D(2024, 5, 1))
    with activate(office.ctx()):
        _foreign_family(office, D(2024, 6, 1))
        report = statistics.report(D(2025, 1, 1))
        assert report.table("population").cell("総計", "計") == 2
        assert report.table("entries").cell("計", "総計") == 2
        assert report.table("households").cell("総計", "世帯数") == 1
    with activate(office_b.ctx()):
        assert statistics.report(D(2025, 1, 1)).table("population").cell("総計", "計") == 5


def test_a_protected_person_is_counted_and_nothing_person_level_leaves(office: Any) -> None:
    """支援措置: the law's counts include everyone; the tables, CSV and XLSX hold counts only, never a
    name, 宛名番号, 世帯番号 or address."""
    from jichitai.registry.models import SupportMeasure

    with activate(office.ctx()):
        move_in_family(office, D(2023, 4, 1))
        head = people()[0]
        SupportMeasure.objects.create(
            person=head,
            start_date=D(2023, 5, 1),
            end_date=D(2026, 5, 1),
            against=[],
            reason="DV",
            created_by=office.approver,
        )
        report = statistics.report(D(2025, 1, 1))
        assert report.table("population").cell("日本人", "男") == 2
        secrets = [
            head.family_name,
            head.given_name,
            head.atena_no,
            head.household.household_no,
            office.address.name,
            "1番地2",
            head.resident_code,
        ]
        csv_text = export.to_csv(report, "テスト市").decode("utf-8-sig")
        xlsx_text = _xlsx_text(export.to_xlsx(report, "テスト市"))
        for secret in secrets:
            assert secret not in csv_text and secret not in xlsx_text
        cells = {str(c) for t in report.tables for r in t.rows for c in r}
        assert not cells & set(secrets)


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        str(v)
        for s in book.worksheets
        for row in s.iter_rows(values_only=True)
        for v in row
        if v is not None
    )


def test_csv_and_xlsx_carry_every_table(office: Any) -> None:
    from openpyxl import load_workbook

    with activate(office.ctx()):
        move_in_family(office, D(2024, 4, 1))
        report = statistics.report(D(2025, 1, 1))
        text = export.to_csv(report, "テスト市").decode("utf-8-sig")
        assert "基準日,令和7年1月1日現在" in text
        for table in report.tables:
            assert f"【{table.title}】" in text
        book = load_workbook(io.BytesIO(export.to_xlsx(report, "テスト市")))
        assert book.sheetnames[0] == "表紙" and len(book.sheetnames) == len(report.tables) + 1
        pop = book.worksheets[1]
        assert (
            pop["A1"].value == "人口（基準日現在）"
            and pop["A5"].value == "総計"
            and pop["D5"].value == 3
        )


def test_bad_dates_are_refused_in_japanese(office: Any) -> None:
    with activate(office.ctx()):
        with pytest.raises(statistics.StatisticsError):
            statistics.report(D(2025, 1, 1), start=D(2025, 3, 1))
        with pytest.raises(statistics.StatisticsError):
            statistics.report(D(1800, 1, 1))


def test_cli_writes_csv_and_xlsx(office: Any, tmp_path: Any, capsys: Any) -> None:
    """`jichitai registry statistics --date … --format csv|xlsx` (和暦 accepted); the run is logged."""
    from openpyxl import load_workbook

    from jichitai.audit.models import AuditEntry
    from jichitai.cli import main

    with activate(office.ctx()):
        move_in_family(office, D(2024, 4, 1))

    def cli(code: str, *args: str) -> int:
        return main(["registry", "statistics", "--municipality", code, *args])

    code = office.municipality.code
    out, xlsx = tmp_path / "s.csv", tmp_path / "s.xlsx"
    assert cli(code, "--date", "2025-01-01", "--out", str(out)) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "基準日,令和7年1月1日現在" in text and "国内転入,2,1,3,0,0,0,3" in text
    assert cli(code, "--date", "令和7年1月1日", "--format", "xlsx", "--out", str(xlsx)) == 0
    assert load_workbook(xlsx).worksheets[1]["D5"].value == 3
    assert cli(code, "--date", "2025-01-01", "--format", "xlsx") == 2  # no --out
    assert cli("000000", "--date", "2025-01-01") == 2
    assert cli(code, "--date", "2025-01-01", "--from", "2025-02-01") == 2
    assert "集計期間" in capsys.readouterr().err
    with activate(office.ctx()):
        runs = AuditEntry.objects.filter(action="batch_finished", function="registry.statistics")
        assert runs.count() == 3


def test_the_statistics_bench_runs_against_the_current_database(tmp_path: Any) -> None:
    """bench/statistics end to end at a tiny size (``--no-server``): the result file's shape."""
    import importlib.util
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location(
        "bench_statistics_run", root / "bench/statistics/run.py"
    )
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = tmp_path / "statistics.json"
    assert (
        bench.main(["--no-server", "--residents", "400", "--runs", "1", "--output", str(out)]) == 0
    )
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["name"] == "statistics" and result["params"]["balanced"] is True
    assert result["params"]["population"] > 0 and result["params"]["entries_in_period"] > 0
    metrics = {k.removesuffix("_nodurable"): v for k, v in result["metrics"].items()}
    assert (
        metrics["yearly_report_seconds"]["target"] == 30
        and metrics["yearly_report_seconds"]["better"] == "lower"
    )
    assert {"value", "unit", "target", "better"} <= set(metrics["xlsx_seconds"])
