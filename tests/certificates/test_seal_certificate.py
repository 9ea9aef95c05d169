"""印鑑登録証明書 (``inkan``) on the one issuance path: the card number is required and must be the
subject's card in force; the PDF shows the impression at its registered size, 氏名, 生年月日, 性別,
住所 and the 認証文, nothing of the 住民票's own items; every refusal in Japanese; another
municipality's card and a protected person reveal nothing."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from PIL import Image, ImageDraw

from jichitai.certificates.issuance import Requester, finalize, issue
from jichitai.certificates.issuance import messages as msg
from jichitai.certificates.issuance.fake import fake_renderer, read_fake
from jichitai.certificates.kinds import seal as inkan
from jichitai.certificates.models import Issuance
from jichitai.certificates.render import render_certificate
from jichitai.registry import support
from jichitai.registry.models import Person
from jichitai.seals import cards
from jichitai.seals.service import abolish, register, report_lost
from jichitai.tenancy.context import activate
from jichitai.web.certificates.form import to_request
from tests.registry.conftest import apply
from tests.web_registry.conftest import login

from .conftest import STATION, family, officer
from .glyphs import pdf_text
from .kind_helpers import api_post, images, refused, self_request

pytestmark = pytest.mark.django_db
D = dt.date
SIZE_MM = Decimal("18.0")
IMPRESSION_PX = round(float(SIZE_MM) / 25.4 * 600)  # kinds/seal.py prints it at 600 dpi


def impressions(pdf: bytes) -> list[list[str]]:
    """The seal impression among the page's images (the 電子公印 of the 認証者 is another one)."""
    return [r for r in images(pdf) if r[2] == "image" and int(r[3]) == IMPRESSION_PX]


def impression(px: int = 400) -> bytes:
    """A synthetic round seal (red ring and a bar), PNG."""
    img = Image.new("RGB", (px, px), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    draw.ellipse((8, 8, px - 8, px - 8), outline=(200, 0, 0), width=24)
    draw.rectangle((px // 2 - 12, 60, px // 2 + 12, px - 60), fill=(200, 0, 0))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def registered(at: Any, person: Any, size: Decimal = SIZE_MM) -> str:
    return register(person.pk, impression(), size, size, staff=at.clerk, reason="申請").number


def seal_request(
    subjects: list[int], card: str | None, requester: Requester | None = None, **options: Any
) -> Any:
    from jichitai.certificates.issuance import CertificateRequest, Options

    return CertificateRequest(
        kind="inkan",
        subject_ids=tuple(subjects),
        requester=requester or Requester("self", person_id=subjects[0]),
        options=Options(**options),
        station=STATION,
        params={} if card is None else {"card_number": card},
    )


def test_the_certificate_prints_the_impression_at_its_registered_size(office) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
        card = registered(office, head)
        req = seal_request([head.pk], card, my_number=True, resident_code=True, honseki=True)
        issued = issue(req, staff=office.clerk, renderer=render_certificate)
        finalize(issued, [head.pk])
        (copy,) = issued.copies
        assert copy.content.startswith(b"%PDF-") and copy.data.title == "印鑑登録証明書"
        text = pdf_text(copy.content)
        flat = re.sub(r"\s", "", text)
        assert "印鑑登録証明書" in flat and "髙橋" in flat and "一郎" in flat
        assert "昭和55年5月1日" in flat and "男" in flat and "本町一丁目1番地2" in flat
        assert inkan.CERTIFICATION in flat
        assert re.sub(r"\s", "", copy.number) in flat and "1/1" in flat  # [1040] on the page
        # the 住民票's items are never on it, even when the form ticks them
        person = Person.objects.for_read(screen="テスト").get(pk=head.pk)
        assert person.resident_code not in flat and "本籍" not in flat and "個人番号" not in flat
        assert "テスト県甲村1番地" not in flat and "花子" not in flat
        assert card not in flat  # the card number is not printed
        rows = impressions(copy.content)
        assert len(rows) == 1
        width, height, x_ppi, y_ppi = (int(rows[0][i]) for i in (3, 4, 12, 13))
        # 18.0 mm at 600 dpi is 425 px, drawn at 600 ppi: the impression is printed at its real size
        assert (width, height) == (IMPRESSION_PX, IMPRESSION_PX)
        assert abs(x_ppi - 600) <= 2 and abs(y_ppi - 600) <= 2
        row = Issuance.objects.get()
        assert row.kind == "inkan" and row.subject_ids == [head.pk]
        assert row.params == {"card_number": card}  # the 交付履歴 says which card was presented


def test_the_card_number_is_required_and_every_card_refusal_is_in_japanese(office) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        card = registered(office, head)
        wife_card = registered(office, wife)
        no_card = refused(office, seal_request([head.pk], None))
        assert no_card.messages == [inkan.CARD_NEEDED] and no_card.codes == ["card_number"]
        assert "印鑑登録証の番号が必要" in no_card.messages[0]
        assert refused(office, seal_request([head.pk], "  ")).messages == [inkan.CARD_NEEDED]
        malformed = refused(office, seal_request([head.pk], "123"))
        assert malformed.messages == [cards.SHAPE] and malformed.codes == ["card_number"]
        wrong_digit = card[:-1] + str((int(card[-1]) + 1) % 10)
        assert refused(office, seal_request([head.pk], wrong_digit)).messages == [cards.CHECK]
        unknown = cards.card_number(999_999)
        assert refused(office, seal_request([head.pk], unknown)).messages == [
            "この番号の印鑑登録証はありません。"
        ]
        # another resident's card for this subject: says only that it does not match
        assert refused(office, seal_request([head.pk], wife_card)).messages == [
            inkan.NOT_THE_SUBJECTS
        ]
        new_card = report_lost(card, staff=office.clerk, reason="紛失", reissue=True)
        assert refused(office, seal_request([head.pk], card)).messages == [
            "この印鑑登録証は亡失により使えません。"
        ]
        assert issue(
            seal_request([head.pk], new_card.number), staff=office.clerk, renderer=fake_renderer
        ).subject_ids == (head.pk,)
        abolish(wife_card, staff=office.clerk, reason="廃止申請")
        assert refused(office, seal_request([wife.pk], wife_card)).messages == [
            "この印鑑登録証は廃止により使えません。"
        ]
        # one card, one person
        both = seal_request(
            [head.pk, son.pk], new_card.number, Requester("household", person_id=head.pk)
        )
        assert refused(office, both).messages == [inkan.ONE_SUBJECT]


def test_a_name_changed_without_the_seal_update_isrefused(office) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        card = registered(office, head)
        Person.objects.filter(pk=head.pk).update(given_name="一朗")
        changed = refused(office, seal_request([head.pk], card))
        assert changed.messages == [
            "登録者の氏名が住民記録と異なります。登録事項の変更を行ってから発行してください。"
        ]


def test_only_a_current_resident_and_requesters_the_card_admits(office) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        card = registered(office, head)
        son_card = registered(office, son)
        cases = [
            (Requester("self", person_id=wife.pk), inkan.SELF_ONLY),
            (Requester("agent", name=" "), inkan.AGENT_NAME),
            (Requester("third_party", name="債権 太郎", purpose="債権回収"), inkan.REQUESTER),
            (Requester("official", name="甲税務署", purpose="国税徴収法第141条"), inkan.REQUESTER),
        ]
        for requester, message in cases:
            assert refused(office, seal_request([head.pk], card, requester)).messages == [message]
        # the card stands for the 委任状: a 代理人 presenting it needs only to give a name
        agent = Requester("agent", name="代理 次郎")
        printed = read_fake(
            issue(seal_request([head.pk], card, agent), staff=office.clerk, renderer=fake_renderer)
            .copies[0]
            .content
        )
        assert printed["members"] == [
            {"氏名": "髙橋\u3000一郎", "生年月日": "昭和55年5月1日", "性別": "男"}
        ]
        assert "個人番号" not in str(printed) and printed["omitted"] == []
        household = Requester("household", person_id=wife.pk)
        assert issue(
            seal_request([head.pk], card, household), staff=office.clerk, renderer=fake_renderer
        ).subject_ids == (head.pk,)
        # a person who left the register: refused with this kind's own words
        apply(office, "death", {"person_id": son.pk}, D(2025, 3, 3))
        gone = refused(office, seal_request([son.pk], son_card, household))
        assert gone.messages == [inkan.NOT_RESIDENT]
        history = Issuance.objects.order_by("pk").first()
        assert (history.requester_kind, history.requester_name) == ("agent", "代理 次郎")


def test_another_municipalitys_card_and_person_are_not_found(office, office_b) -> None:
    with activate(office_b.ctx(office_b.clerk)):
        b_head, b_wife, _ = family(office_b)
        registered(office_b, b_wife)
        b_card = registered(office_b, b_head)  # numbers are per municipality: A has no second one
    with activate(office.ctx()):
        head, _, _ = family(office)
        registered(office, head)
        assert refused(office, seal_request([head.pk], b_card)).messages == [
            "この番号の印鑑登録証はありません。"
        ]
        assert refused(office, seal_request([b_head.pk], b_card)).messages == [msg.NOT_FOUND]


def test_a_protected_person_is_not_revealed_to_staff_without_need_to_know(office) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
        card = registered(office, head)
        wife_card = registered(office, wife)
        staff = officer(office)
        support.start_measure(
            wife.pk, start=D(2024, 1, 1), reason="DV", against=[{"person_id": head.pk}], staff=staff
        )
        hers = refused(office, seal_request([wife.pk], wife_card))
        unknown = refused(office, seal_request([999_999], wife_card))
        assert hers.messages == unknown.messages == [msg.NOT_FOUND]
        # her card offered for another subject: no word about whose it is
        other = refused(office, seal_request([head.pk], wife_card))
        assert other.messages == [inkan.NOT_THE_SUBJECTS]
        assert "支援措置" not in " ".join(hers.messages + other.messages)
        # the 支援措置担当, she herself at the counter with her card: issued
        issued = issue(seal_request([wife.pk], wife_card), staff=staff, renderer=fake_renderer)
        assert read_fake(issued.copies[0].content)["members"][0]["氏名"] == "髙橋\u3000花子"
        # the 加害者等 presenting her card as 同一世帯: refused with the measure's reason
        by_him = seal_request([wife.pk], wife_card, Requester("household", person_id=head.pk))
        assert refused(office, by_him, staff=staff).messages == [
            "支援措置の加害者等からの請求のため交付できません。"
        ]
        # his certificate would print the address they share, hidden by her measure: not to the clerk
        assert refused(office, seal_request([head.pk], card)).messages == [msg.NOT_FOUND]
        assert issue(
            seal_request([head.pk], card), staff=staff, renderer=fake_renderer
        ).subject_ids == (head.pk,)


def test_the_counter_form_and_the_api_carry_the_card_number(office) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        card = registered(office, head)
    values, body = self_request("inkan", head.pk, card_number=f" {card} ")
    req, problems = to_request(values)
    assert problems == [] and dict(req.params) == {"card_number": card}
    client = login(Client(), office.clerk, office.municipality)
    screen = client.post("/certificates/issue/", {**values.dict(), "card_number": ""})
    assert screen.status_code == 400 and inkan.CARD_NEEDED in screen.content.decode()
    preview = client.post("/certificates/preview/", values)  # 見本: same rules, no number
    assert preview.status_code == 200 and "見本" in pdf_text(preview.content)
    assert len(impressions(preview.content)) == 1
    with activate(office.ctx()):
        assert not Issuance.objects.exists()
    missing = api_post(client, body, "seal-1")
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["message"] == inkan.CARD_NEEDED
    ok = api_post(client, {**body, "params": {"card_number": card}}, "seal-2")
    assert ok.status_code == 200, ok.content[:300]
    assert ok.content.startswith(b"%PDF-") and len(impressions(ok.content)) == 1
    assert "印鑑登録証明書" in re.sub(r"\s", "", pdf_text(ok.content))
