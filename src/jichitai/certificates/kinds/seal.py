"""印鑑登録証明書 (``inkan``): the registered impression at its measured size, 氏名, 生年月日, 性別 and
住所 of a current resident, asked for with the 印鑑登録証.

The 印鑑登録証 is the authority (common 印鑑条例): whoever presents it may ask — the person, a
member of the household, or a 代理人 (no 委任状: the card stands for it; the presenter's name is
kept in the 交付履歴). No 第三者 or 公用 request. The card must be in force and be the subject's:
a card is compared with the person asked for before anyone is read, so a card of someone else
(a protected person's included) says only that it does not match.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from typing import Any

from jichitai.registry.selectors.certificates import SubjectState, subject_states
from jichitai.seals import cards
from jichitai.seals.errors import SealError
from jichitai.seals.lookup import CertificateSeal, card_holder, seal_certificate
from jichitai.wareki import format_date

from ..issuance.data import CertificateData
from ..issuance.request import AGENT, HOUSEHOLD, SELF, CertificateRequest
from . import ANY, CertificateKind, register, subject

CODE = "inkan"
TITLE = "印鑑登録証明書"
CARD = "card_number"  # CertificateRequest.params: the 印鑑登録証の番号 as typed
CARD_NEEDED = (
    "印鑑登録証明書の交付には印鑑登録証の番号が必要です。印鑑登録証を確認して入力してください。"
)
CERTIFICATION = "この写しは、登録されている印影と相違ないことを証明します。"
ONE_SUBJECT = "印鑑登録証明書は印鑑登録証1枚につき1人分です。対象者を1人にしてください。"
NOT_RESIDENT = "印鑑登録証明書は現に住民である方についてだけ交付できます。"
REQUESTER = (
    "印鑑登録証明書は、印鑑登録証を持参した本人、同一世帯の方又は代理人の請求に限り交付できます"
    "（第三者請求・公用請求はできません）。"
)
SELF_ONLY = "本人請求は請求者本人の印鑑登録証明書に限ります。"
NOT_SAME_HOUSEHOLD = "請求者が登録者と同一の世帯に属していません。代理人として請求してください。"
AGENT_NAME = "代理人による請求には、代理人（印鑑登録証を持参した方）の氏名が必要です。"
NOT_THE_SUBJECTS = "この印鑑登録証は対象者のものではありません。"


def _requester(req: CertificateRequest, state: SubjectState) -> None:
    r = req.requester
    if r.kind == SELF:
        if r.person_id != state.id:
            raise subject.refuse("self_only", SELF_ONLY)
    elif r.kind == HOUSEHOLD:
        mine = subject_states([r.person_id]).get(r.person_id) if r.person_id else None
        if mine is None or not mine.current or mine.household_id != state.household_id:
            raise subject.refuse("not_same_household", NOT_SAME_HOUSEHOLD)
    elif r.kind == AGENT:
        if not r.name.strip():
            raise subject.refuse("agent_name", AGENT_NAME)
    else:
        raise subject.refuse("seal_requester", REQUESTER)


def _seal(req: CertificateRequest, person_id: int, staff: Any) -> CertificateSeal:
    """The card in force, the subject's, and its registration standing; refused in Japanese."""
    number = str(req.params.get(CARD, "") or "")
    try:
        cards.parse_card_number(number)
    except cards.CardNumberError as exc:  # as typed: a form error (API 422), like a missing one
        raise subject.refuse("card_number", str(exc)) from None
    try:
        # compared before any person is read: another's card reveals nobody
        if card_holder(number) != person_id:
            raise subject.refuse("card_not_subjects", NOT_THE_SUBJECTS)
        return seal_certificate(number, staff=staff)
    except SealError as exc:
        raise subject.refuse("seal", exc.message) from None


def check(req: CertificateRequest, states: dict[int, SubjectState], *, staff: Any) -> None:
    """One current resident, a requester the card admits, the card itself."""
    if len(states) != 1:
        raise subject.refuse("one_subject", ONE_SUBJECT)
    (state,) = states.values()
    if not str(req.params.get(CARD, "") or "").strip():
        raise subject.refuse("card_number", CARD_NEEDED)
    if not state.current:
        raise subject.refuse("not_resident", NOT_RESIDENT)
    _requester(req, state)
    _seal(req, state.id, staff)


PRINT_DPI = 600  # seal.css draws the impression at this resolution


def at_print_size(image: bytes, width_mm: Any, height_mm: Any) -> bytes:
    """The impression resampled so that at PRINT_DPI it measures its registered size: the page
    draws it at exactly that size with no size in the template (no inline style)."""
    from PIL import Image

    size = tuple(max(1, round(float(mm) / 25.4 * PRINT_DPI)) for mm in (width_mm, height_mm))
    with Image.open(io.BytesIO(image)) as img:
        out = io.BytesIO()
        img.convert("RGBA").resize(size, Image.LANCZOS).save(out, format="PNG")
    return out.getvalue()


def _mm(value: Any) -> str:
    return f"{value:.1f}"


def build(
    req: CertificateRequest,
    subject_ids: tuple[int, ...],
    *,
    staff: Any,
    today: dt.date,
    municipality: Any,
) -> list[CertificateData]:
    (person_id,) = subject_ids
    seal = _seal(req, person_id, staff)
    person = subject.read(person_id, staff=staff, function="certificates.inkan")
    printed = at_print_size(seal.image, seal.width_mm, seal.height_mm)
    image = base64.b64encode(printed).decode("ascii")
    return [
        CertificateData(
            kind=CODE,
            title=TITLE,
            request_id=req.request_id,
            form="個人票",
            municipality=municipality.name,
            prefecture=municipality.prefecture,
            issued_on=format_date(today),
            address=person.address,
            members=[subject.row(person.values, printed_name=seal.name)],
            person_ids=(person_id,),
            omitted=[],
            certification=CERTIFICATION,
            template="certificates/seal.html",
            extra={
                "image": f"data:image/png;base64,{image}",
                "width_mm": _mm(seal.width_mm),
                "height_mm": _mm(seal.height_mm),
            },
            page_count=1,
        )
    ]


register(
    CertificateKind(
        code=CODE,
        title=TITLE,
        build=build,
        functions=(),  # 印鑑条例's, not the 住民記録 standard's
        subjects=ANY,  # current residents only, checked here with this kind's own message
        check=check,
        register_options=False,
        requester_rules=False,
        order=70,
    )
)
