"""検証コード (issue 12 item 6): every issued copy prints a QR code and a short code leading to the
public verification page and API, which say genuine / when / by whom / 発行番号 / revoked and
whether an uploaded PDF is the one issued, and reveal no personal data. Guessing is braked."""

from __future__ import annotations

import dataclasses
import math
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from hypothesis import given
from hypothesis import strategies as st

from jichitai.certificates.issuance import IssuanceRefused, Requester, issue
from jichitai.certificates.issuance.history import dispose
from jichitai.certificates.models import Issuance, PrintLog, VerificationCode
from jichitai.certificates.output import renderer_for
from jichitai.certificates.render import render_certificate
from jichitai.certificates.verify import codes
from jichitai.tenancy.context import activate

from .conftest import family, issue_for, request
from .glyphs import pdf_text
from .test_signing import pdfsig, whole_and_valid

BASE = "https://shomei.example.lg.jp"


def qr_codes(pdf: bytes) -> list[str]:
    """zbarimg (Debian zbar-tools) on every page rendered by pdftoppm: one list entry per QR."""
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "c.pdf").write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "200", "-gray", "-png", "c.pdf", "p"], cwd=tmp, check=True
        )
        pages = sorted(str(p) for p in Path(tmp).glob("p*.png"))
        out = subprocess.run(["zbarimg", "-q", "--raw", *pages], capture_output=True, text=True)
    return out.stdout.split()


def pages_of(pdf: bytes) -> int:
    return pdf_text(pdf).count("\f")


def flat(text: str) -> str:
    return "".join(text.split())


def issue_signed(at: Any, subjects: list[int], **options: Any) -> Any:
    """A real, signed issuance (the counter's renderer) for ``subjects`` at ``at``."""
    with activate(at.ctx()):
        req = request(subjects, requester=Requester("self", person_id=subjects[0]), **options)
        return issue(req, staff=at.clerk, renderer=renderer_for(at.municipality.code))


@pytest.fixture
def issued(office: Any, settings: Any) -> Any:
    """住民票の写し for the head of a family, with 本籍, 住民票コード and 個人番号 printed."""
    settings.JICHITAI_PUBLIC_URL = BASE
    with activate(office.ctx()):
        head, _wife, _son = family(office)
    result = issue_signed(office, [head.pk], honseki=True, resident_code=True, my_number=True)
    return result, result.copies[0], head


def code_of(copy: Any) -> str:
    """The 検証コード issuance put into the copy's data (and so printed on it)."""
    return str(copy.data.extra["verification"]["code"])


def verify_json(code: str, client: Client | None = None, **extra: Any) -> Any:
    return (client or Client()).get(f"/verify/{code}?format=json", **extra)


# ---- the code ---------------------------------------------------------------------------------


def test_codes_are_unguessable_and_typable() -> None:
    made = {codes.new_code() for _ in range(2000)}
    assert len(made) == 2000
    assert codes.LENGTH * math.log2(len(codes.ALPHABET)) >= 60  # at least 60 random bits
    for code in made:
        assert len(code) == 14 and code[4] == code[9] == "-"
        assert set(code.replace("-", "")) <= set(codes.ALPHABET)
        assert not set(code) & set("ILOU")  # nothing to confuse with 1, 0 or V
    some = sorted(made)[0]
    assert codes.normalize(some.lower().replace("-", " ")) == some
    assert codes.normalize("7k3m q9xd 2hbt") == "7K3M-Q9XD-2HBT"
    assert codes.normalize("OIL0-0000-0000") == "0110-0000-0000"  # O→0, I/L→1 as read aloud
    for garbled in ("", "7K3M-Q9XD", "7K3M-Q9XD-2HBTX", "7K3M-Q9XD-2HB!", "７K3M-Q9XD-2HBT"):
        assert codes.normalize(garbled) is None, garbled


@given(st.text(max_size=80))
def test_normalize_never_fails_and_gives_a_code_or_none(typed: str) -> None:
    code = codes.normalize(typed)
    assert code is None or (codes.normalize(code) == code and len(code) == 14)


# ---- printed on the copy, recorded with the final bytes ---------------------------------------


@pytest.mark.django_db
def test_the_qr_code_leads_to_the_verification_url_and_the_printed_code_is_the_stored_one(
    issued: Any, office: Any
) -> None:
    result, copy, _head = issued
    code = code_of(copy)
    row = VerificationCode.objects.get(code=code)
    assert qr_codes(copy.content) == [f"{BASE}/verify/{code}"]
    text = pdf_text(copy.content)
    assert f"照合番号 {code}" in text and f"{BASE}/verify/" in text
    with activate(office.ctx()):
        log = PrintLog.objects.get(issuance_id=result.history_id)
    # the row is the final (signed) bytes' hash, the same as the 印刷ログ's, with the 発行番号
    assert row.sha256 == log.sha256 and row.number == copy.number == log.number
    assert row.issuance_id == result.history_id and row.revoked_at is None
    assert row.municipality_code == office.municipality.code


@pytest.mark.django_db
def test_every_page_of_a_long_copy_carries_the_qr_code(issued: Any) -> None:
    _, copy, _ = issued
    long = dataclasses.replace(copy.data, members=copy.data.members * 6)
    pdf = render_certificate(long)
    code = code_of(copy)
    pages = pages_of(pdf)
    assert pages >= 2
    assert qr_codes(pdf) == [f"{BASE}/verify/{code}"] * pages
    for page in range(1, pages + 1):
        assert code in pdf_text(pdf, page)


@pytest.mark.django_db
def test_pdfsig_reports_the_copy_with_its_code_validly_signed_over_the_whole_document(
    issued: Any, office: Any
) -> None:
    _, copy, _ = issued
    report = pdfsig(copy.content)
    assert whole_and_valid(report) and f"CN={office.municipality.name}" in report, report


@pytest.mark.django_db
def test_each_copy_and_each_reprint_has_its_own_code_and_number(office: Any, settings: Any) -> None:
    settings.JICHITAI_PUBLIC_URL = BASE
    with activate(office.ctx()):
        head, _, _ = family(office)
        first = issue_for(office, [head.pk], copies=2)
        again = issue_for(office, [head.pk])  # a reprint is a new issuance with a new number
    copies = [*first.copies, *again.copies]
    numbers = [c.number for c in copies]
    printed = [code_of(c) for c in copies]
    assert len(set(numbers)) == len(set(printed)) == 3
    assert again.history_id != first.history_id
    rows = {r.code: r for r in VerificationCode.objects.all()}
    assert set(rows) == set(printed)
    assert [rows[c].number for c in printed] == numbers
    with activate(office.ctx()):
        dispose(first.history_id, reason="印字の誤り")
    states = {code: verify_json(code).json()["revoked"] for code in printed}
    assert states == {printed[0]: True, printed[1]: True, printed[2]: False}


@pytest.mark.django_db
def test_no_code_is_printed_or_kept_when_the_signing_option_is_off(
    office: Any, settings: Any
) -> None:
    settings.JICHITAI_CERTIFICATE_SIGNING = False
    with activate(office.ctx()):
        head, _, _ = family(office)
    result = issue_signed(office, [head.pk])
    (copy,) = result.copies
    assert "verification" not in copy.data.extra
    assert "照合番号" not in pdf_text(copy.content) and qr_codes(copy.content) == []
    assert not VerificationCode.objects.exists()


@pytest.mark.django_db
def test_without_a_public_url_issuance_is_refused_and_takes_no_number(
    office: Any, settings: Any
) -> None:
    settings.JICHITAI_PUBLIC_URL = ""
    with activate(office.ctx()):
        head, _, _ = family(office)
        with pytest.raises(IssuanceRefused) as refused:
            issue_for(office, [head.pk])
        assert refused.value.messages == [codes.NO_PUBLIC_URL]
        assert not Issuance.objects.exists()
    assert not VerificationCode.objects.exists()


# ---- the public page and API ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_and_api_say_genuine_date_issuer_number_and_kind(issued: Any, office: Any) -> None:
    _, copy, _ = issued
    code = code_of(copy)
    body = verify_json(code.lower().replace("-", "")).json()  # as typed
    m = office.municipality
    assert body["genuine"] and not body["revoked"] and body["matches"] is None
    assert body["issuer"] == f"{m.prefecture}{m.name}" and body["title"] == "住民票の写し"
    assert body["number"] == copy.number and body["code"] == code
    assert body["issued_on"] == copy.data.issued_on  # 和暦, as printed
    page = Client().get(f"/verify/{code}")
    html = page.content.decode()
    assert page.status_code == 200 and "真正な証明書です。" in html
    assert copy.number in html and "取り消されていません" in html
    assert "<form" in html and 'name="pdf"' in html  # the upload form


@pytest.mark.django_db
def test_page_and_api_reveal_no_personal_data(issued: Any) -> None:
    _, copy, head = issued
    code = code_of(copy)
    (member,) = copy.data.members
    personal = [copy.data.address, head.family_name, head.given_name]
    personal += [member[k] for k in ("氏名", "生年月日", "本籍", "筆頭者")]
    assert all(personal), personal  # the copy did print them
    personal += [v for k in ("住民票コード", "個人番号") if (v := member[k])]
    upload = SimpleUploadedFile("c.pdf", copy.content, content_type="application/pdf")
    responses = [
        verify_json(code),
        Client().get(f"/verify/{code}"),
        Client().post(f"/verify/{code}", {"pdf": upload}),
    ]
    for response in responses:
        text = response.content.decode()
        if response["Content-Type"].startswith("application/json"):
            body = response.json()
            text = str(body)
            assert str(head.pk) not in {str(v) for v in body.values()}
            assert set(body) == {
                "genuine",
                "message",
                "title",
                "issued_on",
                "issuer",
                "number",
                "revoked",
                "revoked_on",
                "matches",
                "code",
            }
        for item in personal:
            assert item not in text, item
            assert flat(item) not in flat(text), item
        assert "住民ID" not in text and "person" not in text


@pytest.mark.django_db
def test_an_uploaded_pdf_matches_only_the_copy_issued_under_that_code(
    office: Any, issued: Any
) -> None:
    _, copy, _ = issued
    code = code_of(copy)
    client = Client()

    def post(content: bytes, fmt: str = "?format=json") -> Any:
        pdf = SimpleUploadedFile("c.pdf", content, content_type="application/pdf")
        return client.post(f"/verify/{code}{fmt}", {"pdf": pdf})

    assert post(copy.content).json()["matches"] is True
    assert post(copy.content + b"\n%changed").json()["matches"] is False
    changed = bytearray(copy.content)
    changed[changed.index(b"stream") + 40] ^= 1
    assert post(bytes(changed)).json()["matches"] is False
    assert "一致します" in post(copy.content, "").content.decode()
    assert "一致しません" in post(b"%PDF-1.7 other", "").content.decode()
    # another copy of the same person: genuine itself, but not the one issued under this code
    with activate(office.ctx()):
        other = issue_for(office, list(copy.data.person_ids))
    assert post(other.copies[0].content).json()["matches"] is False
    missing = client.post(f"/verify/{code}?format=json")
    assert (
        missing.status_code == 400 and "PDFファイルを指定してください" in missing.json()["message"]
    )


@pytest.mark.django_db
def test_unknown_and_garbled_codes_get_a_japanese_message_never_a_5xx() -> None:
    client = Client()
    unknown = verify_json(codes.new_code(), client)
    assert unknown.status_code == 404 and unknown.json()["genuine"] is False
    assert unknown.json()["message"] == codes.UNKNOWN
    for garbled in ("x" * 500, "12345", "7K3M-Q9XD-2HB%21", "%E4%BD%8F%E6%B0%91", "U" * 12):
        response = verify_json(garbled, client)
        assert response.status_code == 400, garbled
        assert response.json()["message"] == codes.GARBLED
        page = client.get(f"/verify/{garbled}")
        assert (
            page.status_code == 400 and "照合番号の形式が正しくありません" in page.content.decode()
        )
    assert "発行されていません" in client.get(f"/verify/{codes.new_code()}").content.decode()
    assert client.delete(f"/verify/{codes.new_code()}").status_code == 405


@pytest.mark.django_db
def test_the_index_form_leads_a_typed_code_to_its_page(issued: Any) -> None:
    _, copy, _ = issued
    code = code_of(copy)
    client = Client()
    assert "照合番号" in client.get("/verify/").content.decode()
    typed = client.get("/verify/", {"code": " " + code.lower().replace("-", " ")})
    assert typed.status_code == 302 and typed["Location"] == f"/verify/{code}"
    bad = client.get("/verify/", {"code": "abc"})
    assert bad.status_code == 400 and codes.GARBLED in bad.content.decode()


@pytest.mark.django_db
def test_a_disposed_copy_reads_revoked_with_its_date_and_no_reason(
    issued: Any, office: Any
) -> None:
    result, copy, _ = issued
    code = code_of(copy)
    reason = f"{copy.data.members[0]['氏名']}さんの取り違え"  # a reason naming the person
    with activate(office.ctx()):
        dispose(result.history_id, reason=reason)
    body = verify_json(code).json()
    assert body["genuine"] and body["revoked"] and body["revoked_on"] == copy.data.issued_on
    page = Client().get(f"/verify/{code}").content.decode()
    assert "取り消されています" in page and "取消済" in page
    for text in (str(body), page):
        assert "取り違え" not in text and flat(copy.data.members[0]["氏名"]) not in flat(text)


@pytest.mark.django_db
def test_the_history_screen_asks_reason_and_confirmation_then_shows_revoked(
    issued: Any, office: Any
) -> None:
    from tests.web_registry.conftest import login

    result, copy, head = issued
    code = code_of(copy)
    clerk = login(Client(), office.clerk, office.municipality)
    history = f"/certificates/person/{head.pk}/history/"
    form = clerk.get(history).content.decode()
    assert 'name="reason"' in form and 'name="confirm"' in form and copy.number in form
    url = f"/certificates/issuance/{result.history_id}/dispose/"
    no_reason = clerk.post(url, {"person_id": head.pk, "reason": "", "confirm": "1"})
    unconfirmed = clerk.post(url, {"person_id": head.pk, "reason": "交付後に誤りが判明"})
    assert no_reason.status_code == unconfirmed.status_code == 400
    assert verify_json(code).json()["revoked"] is False  # nothing happened yet
    done = clerk.post(url, {"person_id": head.pk, "reason": "交付後に誤りが判明", "confirm": "1"})
    assert done.status_code == 302
    assert "取消済" in clerk.get(history).content.decode()
    body = verify_json(code).json()
    assert body["genuine"] and body["revoked"] and "誤り" not in str(body)


@pytest.mark.django_db
def test_another_municipalitys_code_shows_only_its_own_issuer_and_no_data(
    issued: Any, office: Any, office_b: Any
) -> None:
    result_a, copy_a, _ = issued
    with activate(office_b.ctx(office_b.clerk)):
        head_b, _, _ = family(office_b)
    result_b = issue_signed(office_b, [head_b.pk])
    (copy_b,) = result_b.copies
    code_b = code_of(copy_b)
    body = verify_json(code_b).json()
    mb = office_b.municipality
    assert body["issuer"] == f"{mb.prefecture}{mb.name}" and body["number"] == copy_b.number
    text = str(body) + Client().get(f"/verify/{code_b}").content.decode()
    for item in (
        copy_a.number,
        copy_a.data.address,
        copy_b.data.address,
        copy_b.data.members[0]["氏名"],
        office.municipality.name,
    ):
        assert flat(item) not in flat(text), item
    # the hash of A's copy does not match under B's code
    upload = SimpleUploadedFile("c.pdf", copy_a.content, content_type="application/pdf")
    assert (
        Client().post(f"/verify/{code_b}?format=json", {"pdf": upload}).json()["matches"] is False
    )
    # A's staff cannot reach B's issuance to revoke it; disposing A's own leaves B's code valid
    with activate(office.ctx()):
        with pytest.raises(Issuance.DoesNotExist):
            dispose(result_b.history_id, reason="x")
        dispose(result_a.history_id, reason="x")
    assert verify_json(code_b).json()["revoked"] is False


# ---- guessing brake ---------------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(JICHITAI_VERIFY_MISS_RATE="3/h", JICHITAI_VERIFY_RATE="100/h")
def test_guessing_is_braked_per_client_address(issued: Any) -> None:
    _, copy, _ = issued
    code = code_of(copy)
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        assert verify_json(codes.new_code(), guesser).status_code == 404
    braked = verify_json(codes.new_code(), guesser)
    assert braked.status_code == 429 and "しばらく時間をおいて" in braked.json()["message"]
    # braked for every code now, even a genuine one, and on the page too
    assert verify_json(code, guesser).status_code == 429
    page = guesser.get(f"/verify/{code}")
    assert page.status_code == 429 and "照合の回数が多すぎます" in page.content.decode()
    # another client is not braked by this one's guesses
    assert verify_json(code, Client(REMOTE_ADDR="198.51.100.9")).status_code == 200


@pytest.mark.django_db
@override_settings(JICHITAI_VERIFY_RATE="5/h")
def test_every_lookup_counts_toward_the_overall_rate(issued: Any) -> None:
    _, copy, _ = issued
    code = code_of(copy)
    client = Client(REMOTE_ADDR="203.0.113.8")
    assert [verify_json(code, client).status_code for _ in range(6)] == [200] * 5 + [429]
