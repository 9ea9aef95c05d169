"""Who may register a seal (common 印鑑条例): a resident of the register, 15 or older, not a
成年被後見人.

Age: by the 年齢計算ニ関スル法律 a person reaches an age at the end of the day before the
birthday, so registration is open from the day before the 15th birthday (a 29 February birth: the
day before 1 March in a common year, i.e. 28 February).
"""

from __future__ import annotations

import datetime as dt

from jichitai.registry.selectors.service_person import ServicePerson

from .errors import SealError

MIN_AGE = 15


def eligible_from(birth: dt.date) -> dt.date:
    try:
        birthday = birth.replace(year=birth.year + MIN_AGE)
    except ValueError:  # 29 February in a common year
        birthday = dt.date(birth.year + MIN_AGE, 3, 1)
    return birthday - dt.timedelta(days=1)


def refusal(person: ServicePerson, on: dt.date) -> str:
    """Why ``person`` may not register a seal on ``on`` (Japanese), or "" when they may."""
    if person.status != "resident":
        return "住民基本台帳に記録されている住民ではないため登録できません（転出者・死亡者等）。"
    if person.birth_date is None:
        return "生年月日が記録されていないため、15歳以上であることを確認できません。"
    if on < eligible_from(person.birth_date):
        return "15歳未満の方は印鑑登録を受けることができません。"
    if person.adult_ward:
        return "成年被後見人は印鑑登録を受けることができません。"
    return ""


def check(person: ServicePerson, on: dt.date) -> None:
    reason = refusal(person, on)
    if reason:
        raise SealError(reason, "person_id")
