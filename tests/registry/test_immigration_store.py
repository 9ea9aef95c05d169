"""法務省通知 kept until taken in ([960]#1): received files stored (all or none, a notice received twice
is kept once), every notice not yet taken in listed whatever its 通知日, the 取込可 ones applied and marked
with their 異動, a blocked one taken in later or settled by hand; another municipality's are not seen."""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.registry import events, immigration, immigration_store
from jichitai.registry.errors import RegistryError
from jichitai.registry.immigration_models import ImmigrationNotice
from jichitai.tenancy.context import activate

from .conftest import apply
from .test_immigration import cli_base, family, file, line

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.mark.std("960#1")
def test_notices_wait_until_taken_in_whatever_their_date(office, office_b) -> None:
    first = file(
        line("N1", "修正", "AA00000001BB", 在留期間="3年"),
        line("N2", "修正", "AA00000002BB", sex="2", birth="1992-03-03", 在留期間="3年"),
    )
    later = file(
        line("N1", "修正", "AA00000001BB", 在留期間="3年"),
        line("N3", "修正", "ZZ00000000ZZ", 在留期間="1年"),
    )
    with activate(office.ctx()):
        head, wife = family(office)
        assert immigration_store.receive("bad", file_name="x.csv").problems
        assert not ImmigrationNotice.objects.exists()  # a malformed file stores nothing
        got = immigration_store.receive(first, file_name="2024-06.csv")
        assert (got.added, got.already) == (2, 0)
        assert (immigration_store.receive(later).added, ImmigrationNotice.objects.count()) == (1, 3)
        rev = immigration_store.review_pending(staff=office.clerk)
        assert [(r.notice.number, r.verdict) for r in rev.rows] == [
            ("N1", immigration.READY),
            ("N2", immigration.REPEATED),
            ("N3", immigration.UNMATCHED),
        ]
        done = immigration_store.apply_pending(staff=office.clerk)
        assert list(done.events) == ["N1"]
        assert ImmigrationNotice.objects.get(number="N1").event_id == done.events["N1"]
        assert [n.number for n in immigration_store.pending()] == ["N2", "N3"]
        events.approve_event(done.events["N1"], approver=office.approver)
        again = immigration_store.apply_pending(staff=office.clerk)  # the household's notice, now
        assert list(again.events) == ["N2"]
        fixed = apply(
            office,
            "ex_officio_correction",
            {"person_id": head.pk, "changes": {"residence_period": "1年"}},
            D(2024, 6, 5),
        )  # N3 matched no one: the clerk takes it in by hand
        immigration_store.settle("N3", fixed.pk)
        assert immigration_store.pending() == []
        with pytest.raises(RegistryError):
            immigration_store.settle("N3", fixed.pk)
    with activate(office_b.ctx()):
        assert immigration_store.pending() == [] and not ImmigrationNotice.objects.exists()


def test_the_cli_receives_lists_and_applies(office, tmp_path, capsys) -> None:
    from jichitai.cli import main

    with activate(office.ctx()):
        family(office)
    path = tmp_path / "n.csv"
    path.write_text(file(line("N1", "修正", "AA00000001BB", 在留期間="3年")), encoding="utf-8")
    base = cli_base(office)
    assert main([*base, "receive", str(path)]) == 0
    assert "受信 1件" in capsys.readouterr().out
    assert main([*base, "pending"]) == 0
    assert "N1" in capsys.readouterr().out
    assert main([*base, "apply-pending"]) == 0
    assert "仮登録" in capsys.readouterr().out
    assert main([*base, "settle", "N1", "1"]) == 1
