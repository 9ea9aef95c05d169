"""[1380]#7 事務分掌 on certificates: the items a staff member may print follow their rights.

本籍・筆頭者, 住民票コード and 在留資格等 print only for staff who may see them on screen ([1390]:
the role grants them, an administrator may withhold them per staff member); 個人番号 prints only for
staff holding ``certificates.my_number`` (every issuer by default, withholdable per staff member).
Asked for without the right, the request is refused naming the items (nothing numbered, nothing
logged as issued). Checked after 支援措置, so a protected person's refusal still reads "not found".
"""

from __future__ import annotations

from typing import Any

from .request import CertificateRequest

# item key (Options field or 記載事項証明書 item) → (capability, label)
ITEM_RIGHTS: dict[str, tuple[str, str]] = {
    "honseki": ("registry.show_honseki", "本籍・筆頭者"),
    "resident_code": ("registry.show_resident_code", "住民票コード"),
    "foreign_items": ("registry.show_residence_status", "国籍・地域、在留資格等"),
    "my_number": ("certificates.my_number", "個人番号"),
}
_EXTRACT_KEYS = {
    "honseki": "honseki",
    "resident_code": "resident_code",
    "foreign": "foreign_items",
    "my_number": "my_number",
}
MESSAGE = "事務分掌により、この職員は次の事項を記載した証明書を発行できません（{items}）。権限のある職員に依頼してください。"


def asked_items(req: CertificateRequest, kind: Any) -> list[str]:
    """The rights-bound items the request prints (options of a 写し, items of a 記載事項証明書)."""
    o = req.options
    keys = [k for k in ITEM_RIGHTS if getattr(o, k, False)] if kind.register_options else []
    raw = str(req.params.get("items", "")).replace("、", ",")
    if raw:
        from ..kinds.extract import ITEMS

        by_label = {label: key for key, label in ITEMS.items()}
        for t in raw.split(","):
            key = _EXTRACT_KEYS.get(by_label.get(t.strip(), t.strip()))
            if key and key not in keys:
                keys.append(key)
    return keys


def missing(req: CertificateRequest, kind: Any, staff: Any) -> list[str]:
    from jichitai.accounts.capabilities import has_capability

    return [
        ITEM_RIGHTS[k][1]
        for k in asked_items(req, kind)
        if not has_capability(staff, ITEM_RIGHTS[k][0])
    ]


def check(req: CertificateRequest, kind: Any, staff: Any) -> None:
    from .eligibility import IssuanceRefused, Refusal

    lacking = missing(req, kind, staff)
    if lacking:
        raise IssuanceRefused(Refusal("duties", MESSAGE.format(items="、".join(lacking))))
