"""認証者と公印 ([290], [310], [1050], [1000]#2, [1060]): rules, and real PDFs read back."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin

from jichitai.certificates import kinds
from jichitai.certificates.authority import (
    AuthorityMissing,
    authority_on,
    issuer_block,
    service,
)
from jichitai.certificates.authority.demo import seal_png
from jichitai.certificates.authority.models import Authority, IssuerChoice, OfficialSeal
from jichitai.certificates.authority.service import (
    AuthorityError,
    add_authority,
    check_fixed_text,
    set_choice,
    upload_seal,
)
from jichitai.certificates.issuance import CertificateData, IssuanceRefused, Requester, issue
from jichitai.certificates.issuance.service import with_issuer
from jichitai.certificates.models import IssuanceCounter
from jichitai.certificates.render import render_certificate
from jichitai.tenancy.context import activate
from jichitai.tenancy.models import Municipality, MunicipalSetting
from tests.certificates.conftest import family, request
from tests.certificates.glyphs import pdf_text

pytestmark = pytest.mark.django_db

D = dt.date
IN_PERIOD = D(2026, 5, 5)


def flat(text: str) -> str:
    return re.sub(r"\s", "", text)


def pdf_images(pdf: bytes) -> list[list[str]]:
    """``pdfimages -list`` rows (page, num, type, width, height, color, …), header lines dropped."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(
            ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
        ).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    # an "smask" row is the image's transparency; the 検証コード's QR code is drawn 16 mm square
    return [r for r in rows if r[2] == "image" and printed_mm(r) != (16.0, 16.0)]


def printed_mm(row: list[str]) -> tuple[float, float]:
    """An image's drawn size in mm, from its pixels and ``pdfimages``' x-ppi / y-ppi."""
    return (
        round(int(row[3]) / int(row[12]) * 25.4, 1),
        round(int(row[4]) / int(row[13]) * 25.4, 1),
    )


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def issue_pdf(office: Any, subjects: list[int], day: dt.date = IN_PERIOD, **kw: Any) -> Any:
    issued = issue(
        request(subjects, **kw), staff=office.clerk, renderer=render_certificate, now=at(day)
    )
    return issued.copies[0]


def deputy() -> Authority:
    """A 職務代理者 from 2026-05-01 to 2026-05-10."""
    return add_authority(
        "deputy",
        "代理　次郎",
        D(2026, 5, 1),
        valid_until=D(2026, 5, 10),
        title="長職務代理者　副村長",
    )


def png(colour: tuple[int, int, int] = (200, 30, 30), size: int = 240, **info: str) -> bytes:
    img = Image.open(io.BytesIO(seal_png(size, colour)))
    meta = PngImagePlugin.PngInfo()
    for k, v in info.items():
        meta.add_text(k, v)
    out = io.BytesIO()
    img.save(out, format="PNG", pnginfo=meta)
    return out.getvalue()


def blank_data(kind: str) -> CertificateData:
    texts = ("title", "municipality", "prefecture", "issued_on", "address", "certification")
    return CertificateData(  # type: ignore[arg-type]
        kind=kind,
        request_id="r",
        form="個人票",
        members=[],
        person_ids=(),
        omitted=[],
        **dict.fromkeys(texts, ""),
    )


def inked(img: Image.Image) -> set[tuple[int, ...]]:
    """The colours of an RGBA image's visible pixels."""
    raw = img.tobytes()
    return {tuple(raw[i : i + 3]) for i in range(0, len(raw), 4) if raw[i + 3]}


def rename(m: Any, **fields: Any) -> None:
    Municipality.objects.filter(pk=m.pk).update(**fields)
    m.refresh_from_db()


@pytest.mark.std("310#1")
@pytest.mark.std("310#2")
@pytest.mark.std("290#1")
def test_the_deputy_certifies_during_his_period_and_the_mayor_outside_it(office, office_b) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        deputy()
        upload_seal("deputy", png((0, 0, 180)), Decimal("20.0"))
        assert authority_on(D(2026, 4, 30)).role == "mayor"
        assert authority_on(D(2026, 5, 1)).name == "代理　次郎"
        assert authority_on(D(2026, 5, 10)).role == "deputy"
        assert authority_on(D(2026, 5, 11)).role == "mayor"
        assert (
            authority_on(IN_PERIOD, "mayor").name == "見本　証明"
        )  # a kind may insist on the mayor
        inside = flat(pdf_text(issue_pdf(office, [head.pk]).content))
        assert "テスト県甲村長職務代理者" in inside and "副村長代理次郎" in inside  # 職名, 氏名
        outside = flat(pdf_text(issue_pdf(office, [head.pk], D(2026, 6, 1)).content))
        assert "テスト県甲村長" in outside and "見本証明" in outside and "代理次郎" not in outside
        mayor_seal = OfficialSeal.objects.get(kind="mayor")
        deputy_seal = OfficialSeal.objects.get(kind="deputy")
        assert issuer_block(office.municipality, "juminhyo", on=IN_PERIOD)["seal"].endswith(
            base64.b64encode(bytes(deputy_seal.image)).decode()
        )
        assert mayor_seal.image_sha256 != deputy_seal.image_sha256
    with activate(office_b.ctx(office_b.clerk)):  # another municipality's 認証者 is not ours
        assert not Authority.objects.filter(role="deputy").exists()
        assert authority_on(IN_PERIOD).name == "見本　証明"
        assert authority_on(IN_PERIOD).municipality_id == office_b.municipality.pk
        with pytest.raises(AuthorityMissing):
            authority_on(IN_PERIOD, "deputy")


@pytest.mark.std("310#4")
def test_an_authority_with_a_blank_name_is_refused(office) -> None:
    with activate(office.ctx()):
        for blank in ("", "　　", " \t"):
            with pytest.raises(AuthorityError, match="氏名を入力してください"):
                add_authority("deputy", blank, D(2026, 1, 1))
        with pytest.raises(AuthorityError, match="職名を入力してください"):
            add_authority("deputy", "代理　次郎", D(2026, 1, 1), title="　")
        with pytest.raises(IntegrityError), transaction.atomic():  # past the service: the table
            Authority.objects.create(role="mayor", title="長", name="", valid_from=D(2026, 1, 1))
        # a stored row that is blank after all (spaces only) is never printed either
        Authority.objects.create(role="deputy", title="長", name="　", valid_from=D(2026, 1, 1))
        with pytest.raises(AuthorityMissing):
            authority_on(D(2026, 1, 2), "deputy")
        assert Authority.objects.filter(name="").count() == 0


@pytest.mark.std("310#3")
def test_a_designated_city_prints_its_ward_head(office, office_b) -> None:
    rename(office.municipality, name="見本市", population_class="designated_city")
    with activate(office.ctx()):
        head, _, _ = family(office)
        add_authority("mayor", "区長　三郎", D(2020, 4, 1), ward="北区")
        add_authority("deputy", "代理　四郎", D(2026, 5, 1), valid_until=D(2026, 5, 9), ward="北区")
        upload_seal("mayor", png(), Decimal("18.0"), ward="北区")
        upload_seal("deputy", png(), Decimal("18.0"), ward="北区")
        MunicipalSetting.objects.create(key=service.WARD_SETTING, value="北区")
        text = flat(pdf_text(issue_pdf(office, [head.pk], D(2026, 6, 1)).content))
        assert "テスト県見本市北区長" in text and "区長三郎" in text  # 職名, 氏名
        block = issuer_block(office.municipality, "juminhyo", on=IN_PERIOD)
        assert block["title"] == "テスト県見本市北区長職務代理者" and block["name"] == "代理　四郎"
        with pytest.raises(AuthorityError, match="〇〇区"):
            add_authority("mayor", "区長　五郎", D(2020, 4, 1), ward="北")
    with activate(office_b.ctx(office_b.clerk)):  # a town has no 区長
        with pytest.raises(AuthorityError, match="指定都市だけ"):
            add_authority("mayor", "区長　三郎", D(2020, 4, 1), ward="北区")
        with pytest.raises(AuthorityError, match="指定都市だけ"):
            upload_seal("mayor", png(), Decimal("18.0"), ward="北区")


@pytest.mark.std("1050#1")
@pytest.mark.std("1000#2")
def test_a_certificate_prints_the_certification_seal_number_and_title_with_prefecture(
    office,
) -> None:
    rename(office.municipality, name="千代田区", prefecture="東京都", population_class="ward")
    with activate(office.ctx()):
        head, _, _ = family(office)
        copy = issue_pdf(office, [head.pk])
        text = pdf_text(copy.content)
        assert copy.data.certification in text
        assert flat(copy.number) in flat(text)
        assert "東京都千代田区長" in flat(text) and "見本証明" in flat(text)  # 職名, 氏名
        images = pdf_images(copy.content)
        assert len(images) == 1  # the 電子公印, on the last page with the 認証文
        seal = OfficialSeal.objects.get(kind="mayor")
        assert images[0][0] == str(text.count("\f"))  # the last page
        assert printed_mm(images[0]) == (21.0, 21.0)  # as registered, at most 25 mm
        assert (seal.width_mm, seal.height_mm) == (Decimal("21.0"), Decimal("21.0"))


@pytest.mark.std("1050#5")
def test_the_prefecture_cannot_be_left_out_for_a_designated_city_or_special_ward(office) -> None:
    rename(office.municipality, name="千代田区", prefecture="東京都", population_class="ward")
    with activate(office.ctx()):
        head, _, _ = family(office)
        # the 職名 is composed, never typed whole: a title with the municipality is refused
        for title in ("千代田区長", "長（東京都）"):
            with pytest.raises(AuthorityError, match="都道府県名・団体名"):
                add_authority("mayor", "区長　一郎", D(2026, 1, 1), title=title)
        # no setting anywhere can switch it off
        for model in (Authority, IssuerChoice, OfficialSeal):
            with pytest.raises(FieldDoesNotExist):
                model._meta.get_field("omit_prefecture")
        with pytest.raises(TypeError):
            set_choice("juminhyo", omit_prefecture=True)  # type: ignore[call-arg]
        # a municipality without its prefecture prints nothing rather than a short title
        rename(office.municipality, prefecture="")
        before = IssuanceCounter.objects.count()
        with pytest.raises(IssuanceRefused, match="都道府県名"):
            issue_pdf(office, [head.pk])
        assert IssuanceCounter.objects.count() == before


@pytest.mark.std("1050#1")
@pytest.mark.std("1050#2")
def test_each_kind_chooses_its_authority_seal_and_fixed_text(office) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        deputy()
        upload_seal("deputy", png(), Decimal("20.0"))
        upload_seal("certificate", png(size=300), Decimal("24.0"))
        set_choice("juminhyo", authority="mayor", print_seal=False, fixed_text="公印省略")
        text = flat(pdf_text(content := issue_pdf(office, [head.pk]).content))
        assert "テスト県甲村長見本証明" in text and "公印省略" in text  # the mayor, in the period
        assert pdf_images(content) == []
        set_choice("juminhyo", seal_kind="certificate", fixed_text="この印は黒色です")
        content = issue_pdf(office, [head.pk]).content
        text = flat(pdf_text(content))
        assert "代理次郎" in text and "この印は黒色です" in text and "公印省略" not in text
        assert [printed_mm(row) for row in pdf_images(content)] == [(24.0, 24.0)]  # 証明書専用印
        block = issuer_block(office.municipality, "joshu", on=IN_PERIOD)  # other kinds unchanged
        assert block["fixed_text"] == "" and block["name"] == "代理　次郎"
        with pytest.raises(AuthorityError, match="種別"):
            set_choice("no-such-kind")


@pytest.mark.std("1050#2")
@pytest.mark.std("1050#3")
@pytest.mark.std("290#1")
def test_seal_images_are_checked_stored_black_and_at_most_25mm(office) -> None:
    with activate(office.ctx()):
        seal = upload_seal("mayor", png(secret="marker-text"), Decimal("25.0"))
        with Image.open(io.BytesIO(bytes(seal.image))) as img:
            assert img.format == "PNG" and img.mode == "RGBA"
            colours = inked(img)
        assert colours == {(0, 0, 0)}  # the red scan prints black
        assert b"marker-text" not in bytes(seal.image)  # our own encoding, nothing of the upload
        card = upload_seal("card", png(), Decimal("12.0"), color="red")
        with Image.open(io.BytesIO(bytes(card.image))) as img:
            assert inked(img) == {(200, 0, 0)}
        wide = Image.new("RGB", (400, 200), "white")
        wide.paste((0, 0, 0), (50, 50, 350, 150))
        buf = io.BytesIO()
        wide.save(buf, format="PNG")
        flat_seal = upload_seal("certificate", buf.getvalue(), Decimal("24.0"))
        assert (flat_seal.width_mm, flat_seal.height_mm) == (Decimal("24.0"), Decimal("12.0"))
        jpeg = io.BytesIO()
        Image.open(io.BytesIO(png())).convert("RGB").save(jpeg, format="JPEG")
        refused = {
            "PNG": (jpeg.getvalue(), "25.0", "black", "mayor"),
            "25mm": (png(), "25.1", "black", "mayor"),
            "黒色": (png(), "20.0", "red", "mayor"),
            "印影がありません": (seal_png(240, (255, 255, 255)), "20.0", "black", "mayor"),
            "読み取れません": (png()[:-40], "20.0", "black", "mayor"),
        }
        for message, (data, mm, colour, kind) in refused.items():
            with pytest.raises(AuthorityError, match=message):
                upload_seal(kind, data, Decimal(mm), color=colour)
        with pytest.raises(IntegrityError), transaction.atomic():  # the table says so too
            OfficialSeal.objects.create(
                kind="mayor",
                image=b"x",
                image_sha256="x",
                width_px=1,
                height_px=1,
                width_mm=Decimal("26.0"),
                height_mm=Decimal("10.0"),
            )
        assert OfficialSeal.objects.count() == 4  # 3 here and the fixture's


@pytest.mark.std("1050#4")
def test_no_branch_office_can_hold_its_own_seal(office) -> None:
    with activate(office.ctx()):
        for kind in ("branch", "支所", "shisho"):
            with pytest.raises(AuthorityError, match="支所・出張所の専用公印は登録できません"):
                upload_seal(kind, png(), Decimal("20.0"))
        with pytest.raises(TypeError):
            upload_seal("mayor", png(), Decimal("20.0"), office="北支所")  # type: ignore[call-arg]
        for field in ("office", "branch", "place"):
            with pytest.raises(FieldDoesNotExist):
                OfficialSeal._meta.get_field(field)
        assert OfficialSeal.objects.count() == 1


@pytest.mark.std("1060#1")
def test_official_requests_print_koyo(office) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        official = Requester("official", name="テスト地方裁判所", purpose="民事訴訟法第186条")
        text = flat(pdf_text(issue_pdf(office, [head.pk], requester=official).content))
        assert "公用" in text
        assert "公用" not in flat(pdf_text(issue_pdf(office, [head.pk]).content))
        # every kind of the 住民票の写し family ([1000]: 除票の写し, 記載事項証明書) prints it too
        family_kinds = [k.code for k in kinds.all_kinds() if "1000" in k.functions]
        assert {"juminhyo", "joshu"} <= set(family_kinds)
        for code in family_kinds:
            req = request([head.pk], kind=code, requester=official)
            (doc,) = with_issuer([blank_data(code)], req, office.municipality, IN_PERIOD)
            assert doc.extra["issuer"]["official"] == "公用"


@pytest.mark.std("1060#2")
def test_fuhyo_tsuchi_and_exemption_texts_cannot_be_printed(office) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        for text in ("附票通知", "規定により免除", "手数料：規定により　免除", "附票 通知済"):
            with pytest.raises(AuthorityError, match="印字できません"):
                set_choice("juminhyo", fixed_text=text)
        assert not IssuerChoice.objects.exists()
        with pytest.raises(IntegrityError), transaction.atomic():
            IssuerChoice.objects.create(kind="juminhyo", fixed_text="附票通知")
        # a row written past both (e.g. ＦＵＬＬ width) is checked again when printed
        IssuerChoice.objects.create(kind="juminhyo", fixed_text="規定により\u3000免除")
        with pytest.raises(IssuanceRefused, match="印字できません"):
            issue_pdf(office, [head.pk])


def test_no_authority_or_seal_means_no_certificate(office) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        OfficialSeal.objects.all().delete()
        with pytest.raises(
            IssuanceRefused, match="電子公印（市区町村長印）の画像が登録されていない"
        ):
            issue_pdf(office, [head.pk])
        Authority.objects.all().delete()
        with pytest.raises(IssuanceRefused, match="有効な認証者"):
            issue_pdf(office, [head.pk])
        assert not IssuanceCounter.objects.filter(last__gt=0).exists()


FULL_WIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "abcdefghijklmnopqrstuvwxyz"})


@pytest.mark.std("1060#2")
@given(
    phrase=st.sampled_from(["附票通知", "規定により免除"]),
    cuts=st.lists(st.sampled_from([" ", "\u3000", "\t", "\n"]), min_size=0, max_size=6),
    before=st.text(alphabet="公印省略この印は黒色ですabc", max_size=8),
    after=st.text(alphabet="公印省略この印は黒色ですabc", max_size=8),
)
def test_forbidden_texts_are_found_however_spaced(phrase, cuts, before, after) -> None:
    chars = list(phrase)
    for i, cut in enumerate(cuts):  # blanks anywhere inside the phrase
        chars.insert(1 + i % (len(chars) - 1), cut)
    with pytest.raises(AuthorityError):
        check_fixed_text(before + "".join(chars) + after.translate(FULL_WIDTH))


@given(st.text(alphabet="公印省略この印は黒色です附票規定免除通知により 　", max_size=30))
def test_other_fixed_texts_pass_unchanged_but_trimmed(text) -> None:
    folded = re.sub(r"\s", "", text)
    if "附票通知" in folded or "規定により免除" in folded:
        return
    assert check_fixed_text(text) == text.strip(" \u3000\t\r\n")
