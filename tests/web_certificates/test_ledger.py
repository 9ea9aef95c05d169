"""交付日計表: per kind (件数・通数・手数料・減免), per clerk for the cash-up, refunds of 処分 on the
day of the 処分; the screen (和暦, date picker), its CSV and the CLI print the same totals. And the
fee settings screen."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from jichitai.certificates.fees import settings as fee_settings
from jichitai.certificates.fees.ledger import daily
from jichitai.certificates.issuance import Requester, issue
from jichitai.certificates.issuance.fake import fake_renderer
from jichitai.certificates.issuance.history import dispose
from jichitai.certificates.models import FeeExemption, FeeRate
from jichitai.cli.certificates import main as certificates_cli
from jichitai.tenancy.context import activate
from tests.certificates.conftest import issue_for, request

from .conftest import family, login

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 3, 31)  # 令和7年3月31日
AT = timezone.make_aware(dt.datetime(2025, 3, 31, 10, 0))
OFFICIAL = Requester("official", name="〇〇市福祉課", purpose="生活保護法第29条")


def _issue(
    office: Any,
    subjects: list[int],
    staff: Any = None,
    now: Any = None,
    fee_exemption: str = "",
    **kw: Any,
) -> Any:
    req = replace(request(subjects, **kw), fee_exemption=fee_exemption)
    return issue(req, staff=staff or office.clerk, renderer=fake_renderer, now=now)


def _day_of_issues(office: Any) -> None:
    """DAY: 2 copies (600), 公用 (free), 生活保護 (free), one copy later disposed (300)."""
    head, wife, son = family(office)
    fee_settings.set_rates({"juminhyo": "300"}, staff=office.approver)
    fee_settings.add_exemption("生活保護", "手数料条例第5条第1号")
    welfare = str(FeeExemption.objects.get().pk)
    _issue(office, [head.pk], copies=2, now=AT)
    _issue(office, [wife.pk], staff=office.approver, requester=OFFICIAL, now=AT)
    _issue(office, [son.pk], fee_exemption=welfare, now=AT)
    wrong = _issue(office, [head.pk], now=AT)
    today = _issue(office, [head.pk])
    dispose(wrong.history_id, reason="対象者の取り違え")
    dispose(today.history_id, reason="部数の誤り")


def test_ledger_counts_per_kind_and_clerk_with_refunds_on_the_day_of_disposal(office) -> None:
    with activate(office.ctx()):
        _day_of_issues(office)
        book = daily(DAY)
        kind = next(k for k in book.kinds if k.label == "住民票の写し")
        assert (kind.issuances, kind.copies, kind.amount) == (4, 5, 900)
        assert (kind.exempt_copies, kind.exempt_value) == (2, 600)
        assert kind.exemptions == {"公用": 1, "生活保護": 1}
        assert (kind.refunds, kind.refund_amount, kind.net) == (0, 0, 900)
        assert book.total.amount == 900 and book.day_text == "令和7年3月31日"
        clerks = {c.label: c for c in book.clerks}
        assert (clerks["窓口 花子"].issuances, clerks["窓口 花子"].amount) == (3, 900)
        assert (clerks["決裁 太郎"].amount, clerks["決裁 太郎"].exempt_copies) == (0, 1)
        assert book.exemptions == [
            ("公用", "生活保護法第29条", 1, 300),
            ("生活保護", "手数料条例第5条第1号", 1, 300),
        ]
        # today: one copy issued (300) and two refunds (the one of DAY and today's own)
        now = daily(timezone.localdate())
        assert (now.total.issuances, now.total.amount) == (1, 300)
        assert (now.total.refunds, now.total.refund_copies, now.total.refund_amount) == (2, 2, 600)
        assert now.total.net == -300
        assert {c.label: c.net for c in now.clerks} == {"窓口 花子": -300}
        # every registered kind has its line, even without issuances
        assert any(k.label == "住民票の除票の写し" and k.issuances == 0 for k in book.kinds)
        assert daily(DAY - dt.timedelta(days=1)).total.issuances == 0


def test_unset_fee_is_shown(office) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        issue_for(office, [head.pk])
        kind = daily(timezone.localdate()).kinds[0]
        assert kind.unset_copies == 1 and kind.amount == 0


def test_ledger_screen_csv_and_cli_agree(office, staff_client, capsys) -> None:
    with activate(office.ctx()):
        _day_of_issues(office)
    client = staff_client("clerk")
    for text in ("2025-03-31", "令和7年3月31日"):
        page = client.get("/certificates/ledger/", {"date": text})
        body = page.content.decode()
        assert page.status_code == 200 and "交付日計表" in body and "令和7年3月31日" in body
        assert 'type="date"' in body and 'value="2025-03-31"' in body
        assert "公用 1通、生活保護 1通" in body and "<td>窓口 花子</td>" in body
    assert "髙橋" not in body  # no person in the ledger
    assert client.get("/certificates/ledger/").status_code == 200  # today by default
    bad = client.get("/certificates/ledger/", {"date": "2025-13-40"})
    assert bad.status_code == 400 and "日付を正しく入力してください" in bad.content.decode()
    assert client.get("/certificates/ledger/csv/", {"date": "x"}).status_code == 400
    csv = client.get("/certificates/ledger/csv/", {"date": "2025-03-31"})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert "ledger-20250331.csv" in csv["Content-Disposition"]
    text = csv.content.decode("utf-8")
    assert text.startswith("\ufeff交付日計表,") and "令和7年3月31日" in text
    assert "種別,住民票の写し,4,5,900,2,600,公用 1通、生活保護 1通,0,0,0,900" in text
    assert "合計,合計,4,5,900,2,600" in text and "職員,窓口 花子,3,4,900" in text
    assert "生活保護,手数料条例第5条第1号,1,300" in text and "髙橋" not in text
    code = office.municipality.code
    assert certificates_cli(["ledger", "--municipality", code, "--date", "令和7年3月31日"]) == 0
    out = capsys.readouterr().out
    assert "令和7年3月31日" in out and "合計 4件 5通 手数料900円 減免2通 返還0円 差引900円" in out
    assert "種別\t住民票の写し\t4\t5\t900\t2\t600" in out
    assert certificates_cli(["ledger", "--municipality", code, "--date", "昨日"]) == 2
    assert certificates_cli(["ledger", "--municipality", "999999", "--date", "2025-03-31"]) == 2


def test_another_municipalitys_issuances_never_appear(office, office_b) -> None:
    with activate(office.ctx()):
        _day_of_issues(office)
    client_b = login(Client(), office_b.clerk, office_b.municipality)
    body = client_b.get("/certificates/ledger/", {"date": "2025-03-31"}).content.decode()
    assert "<td>窓口 花子</td>" not in body and "この日の交付はありません。" in body
    assert "公用 1通" not in body
    with activate(office_b.ctx(office_b.clerk)):
        assert daily(DAY).total.issuances == 0 and daily(DAY).exemptions == []


def test_fee_settings_screen(office, staff_client) -> None:
    approver = staff_client("approver")
    page = approver.get("/certificates/fees/")
    assert page.status_code == 200 and "住民票の写し" in page.content.decode()
    assert "未設定" in page.content.decode()
    saved = approver.post(
        "/certificates/fees/", {"action": "rates", "fee-juminhyo": "300", "fee-joshu": "300円"}
    )
    assert saved.status_code == 302
    bad = approver.post("/certificates/fees/", {"action": "rates", "fee-juminhyo": "三百"})
    assert bad.status_code == 400 and "住民票の写しの手数料は0から" in bad.content.decode()
    added = approver.post(
        "/certificates/fees/",
        {"action": "exemption_add", "label": "生活保護", "basis": "手数料条例第5条第1号"},
    )
    assert added.status_code == 302
    empty = approver.post("/certificates/fees/", {"action": "exemption_add", "label": ""})
    assert empty.status_code == 400 and "減免事由を入力してください" in empty.content.decode()
    with activate(office.ctx()):
        assert dict(FeeRate.objects.values_list("kind", "amount")) == {
            "juminhyo": 300,
            "joshu": 300,
        }
        welfare = FeeExemption.objects.get()
    off = approver.post(
        "/certificates/fees/",
        {"action": "exemption_active", "exemption_id": welfare.pk, "active": "0"},
    )
    assert off.status_code == 302
    missing = approver.post(
        "/certificates/fees/", {"action": "exemption_active", "exemption_id": "x"}
    )
    assert missing.status_code == 400
    assert approver.post("/certificates/fees/", {"action": "?"}).status_code == 400
    with activate(office.ctx()):
        assert FeeExemption.objects.get().active is False
    # the counter's clerk sees the fees on the counter form but may not set them
    clerk = staff_client("clerk")
    assert clerk.get("/certificates/fees/").status_code == 403
    counter = clerk.get("/certificates/").content.decode()
    assert "住民票の写し 300円／通" in counter and "生活保護" not in counter  # switched off


def test_the_persons_history_shows_the_fee(office, staff_client) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        FeeRate.objects.create(kind="juminhyo", amount=300)
        _issue(office, [head.pk], copies=2)
        _issue(office, [head.pk], requester=OFFICIAL)
    body = staff_client("clerk").get(f"/certificates/person/{head.pk}/history/").content.decode()
    assert "600円" in body and "0円（減免: 公用）" in body
