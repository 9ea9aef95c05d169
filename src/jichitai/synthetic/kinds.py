"""The household kinds of the synthetic population (single, couple, three generations, foreign
family …): each builder returns the person drafts of one household, 世帯主 first, with 続柄,
本籍 and 筆頭者 consistent within the household.
"""

from __future__ import annotations

from datetime import date

from .drafts import PersonDrafts
from .foreign import UNLIMITED_STATUSES
from .models import IDEOGRAPHIC_SPACE
from .weights import (
    AGE_3GEN_OLD,
    AGE_3GEN_YOUNG,
    AGE_COUPLE,
    AGE_FOREIGN_HEAD,
    AGE_FOREIGN_SINGLE,
    AGE_OTHER,
    AGE_PARENT,
    AGE_SINGLE,
    AGE_SINGLE_PARENT,
    AGE_SPECIAL_PERMANENT,
    FEMALE,
    HOUSEHOLD_KINDS,
    MALE,
    MAX_PARENT_DAYS,
    MIN_PARENT_DAYS,
    YEAR,
    Draft,
    age_table,
    lookup_table,
)

__all__ = ["HouseholdKinds"]


class HouseholdKinds(PersonDrafts):
    """The kind table (shares of households) and one builder per kind."""

    def __init__(self, code5: str, seed: int, as_of: date) -> None:
        super().__init__(code5, seed, as_of)
        kinds = [k for k, _ in HOUSEHOLD_KINDS]
        self.kind_table = tuple(
            kinds[i] for i in lookup_table([w for _, w in HOUSEHOLD_KINDS], 1000)
        )
        self.age_single = age_table(AGE_SINGLE)
        self.age_couple = age_table(AGE_COUPLE)
        self.age_parent = age_table(AGE_PARENT)
        self.age_single_parent = age_table(AGE_SINGLE_PARENT)
        self.age_3gen_young = age_table(AGE_3GEN_YOUNG)
        self.age_3gen_old = age_table(AGE_3GEN_OLD)
        self.age_other = age_table(AGE_OTHER)
        self.age_foreign_single = age_table(AGE_FOREIGN_SINGLE)
        self.age_foreign_head = age_table(AGE_FOREIGN_HEAD)
        self.age_special_permanent = age_table(AGE_SPECIAL_PERMANENT)
        self.builders = {
            "single": self._single,
            "foreign_single": self._foreign_single,
            "couple": self._couple,
            "couple_children": self._couple_children,
            "single_parent": self._single_parent,
            "three_generations": self._three_generations,
            "other": self._other,
            "foreign_family": self._foreign_family,
            "mixed": self._mixed,
        }

    def _single(self) -> list[Draft]:
        birth = self._birth(self.age_single)
        age = (self.as_of - birth) / YEAR
        # Young people living alone are more often men, the very old more often (widowed) women.
        sex = self._sex(0.57 if age < 60 else 0.45 if age < 75 else 0.3)
        family = self._surname()
        if age < 30:
            hittousha = self._parent_name(family[0], birth)
        elif sex == FEMALE and age >= 65:
            hittousha = family[0] + IDEOGRAPHIC_SPACE + self._given(MALE, birth - int(3 * YEAR))[0]
        else:
            hittousha = None  # filled in as the person's own name below
        draft = self._jp(family, sex, birth, "世帯主", self._honseki(), hittousha)
        if hittousha is None:
            draft = draft[:12] + (draft[0] + IDEOGRAPHIC_SPACE + draft[2],)
        return [draft]

    def _couple_heads(
        self, ages: tuple[int, ...]
    ) -> tuple[list[Draft], tuple[str, str], int, int, str, str]:
        """世帯主 and spouse; most couples register the husband as 世帯主, a few the wife."""
        family = self._surname()
        honseki = self._honseki()
        husband_birth = self._birth(ages)
        wife_birth = self._spouse_birth(husband_birth, MALE)
        husband, husband_kana = self._given(MALE, husband_birth)
        hittousha = family[0] + IDEOGRAPHIC_SPACE + husband
        h = (family[0], family[1], husband, husband_kana, husband_birth, MALE)
        wife_given = self._given(FEMALE, wife_birth)
        w = (family[0], family[1], wife_given[0], wife_given[1], wife_birth, FEMALE)
        members: list[Draft]
        if self.rng.random() < 0.04:
            members = [
                w + ("世帯主", None, None, None, None, honseki, hittousha),
                h + ("夫", None, None, None, None, honseki, hittousha),
            ]
        else:
            members = [
                h + ("世帯主", None, None, None, None, honseki, hittousha),
                w + ("妻", None, None, None, None, honseki, hittousha),
            ]
        return members, family, husband_birth, wife_birth, honseki, hittousha

    def _couple(self) -> list[Draft]:
        members, *_ = self._couple_heads(self.age_couple)
        return members

    def _couple_children(self) -> list[Draft]:
        members, family, hb, wb, honseki, hittousha = self._couple_heads(self.age_parent)
        if members[0][5] == MALE and self.rng.random() < 0.03:
            # Remarriage: the wife's child from an earlier marriage keeps its father's surname
            # and 戸籍 (筆頭者 = that father), 続柄 妻の子.
            child_family = self._surname()
            stepchild = self._children(
                child_family,
                (wb,),
                self._honseki(),
                self._parent_name(child_family[0], wb),
                "妻の子",
                1,
            )
            return (
                members + stepchild + self._children(family, (hb, wb), honseki, hittousha, count=1)
            )
        return members + self._children(family, (hb, wb), honseki, hittousha)

    def _single_parent(self) -> list[Draft]:
        birth = self._birth(self.age_single_parent)
        sex = self._sex(0.15)
        family = self._surname()
        honseki = self._honseki()
        head = self._jp(family, sex, birth, "世帯主", honseki, None)
        own = head[0] + IDEOGRAPHIC_SPACE + head[2]
        # A divorced mother heads her own 戸籍; the children usually join it.
        head = head[:12] + (own,)
        return [head] + self._children(family, (birth,), honseki, own)

    def _three_generations(self) -> list[Draft]:
        rnd = self.rng.random
        if rnd() < 0.5:
            # Son's family with his parents (父/母 of the 世帯主).
            members, family, hb, wb, honseki, hittousha = self._couple_heads(self.age_3gen_young)
            children = self._children(family, (hb, wb), honseki, hittousha)
            mother = hb - int((22 + 16 * rnd()) * YEAR)
            father = max(
                mother - int(max(-3.0, min(8.0, self.rng.gauss(2.5, 3))) * YEAR),
                hb - MAX_PARENT_DAYS,
            )
            father = min(father, hb - MIN_PARENT_DAYS)
            # The father is the 筆頭者 of the parents' 戸籍, whether or not he still lives here.
            father_draft = self._jp(family, MALE, father, "父", honseki, None)
            father_name = father_draft[0] + IDEOGRAPHIC_SPACE + father_draft[2]
            elders: list[Draft] = []
            u = rnd()
            if u < 0.65:
                elders.append(father_draft[:12] + (father_name,))
            if u >= 0.1:
                elders.append(self._jp(family, FEMALE, mother, "母", honseki, father_name))
            return members + children + elders
        # Elderly 世帯主 with a married son, his wife and their children (子, 子の妻, 子の子: the
        # standard has no 孫).
        members, family, hb, wb, honseki, hittousha = self._couple_heads(self.age_3gen_old)
        if rnd() < 0.3:
            members = members[:1]  # widowed 世帯主
        son_birth = self._children_births((hb, wb), 1, max_age=60.0)
        if not son_birth:
            return members
        son = self._jp(family, MALE, son_birth[0], "子", honseki, None)
        son_name = son[0] + IDEOGRAPHIC_SPACE + son[2]
        son = son[:12] + (son_name,)  # a married son heads his own 戸籍
        daughter_in_law_birth = self._spouse_birth(son_birth[0], MALE)
        daughter_in_law = self._jp(
            family, FEMALE, daughter_in_law_birth, "子の妻", honseki, son_name
        )
        grandchildren = self._children(
            family, (son_birth[0], daughter_in_law_birth), honseki, son_name, "子の子"
        )
        return members + [son, daughter_in_law] + grandchildren

    def _other(self) -> list[Draft]:
        rnd = self.rng.random
        u = rnd()
        birth = self._birth(self.age_other)
        family = self._surname()
        honseki = self._honseki()
        if u < 0.35:
            # Unmarried siblings: still in their parents' 戸籍 (筆頭者 = father).
            father = self._parent_name(family[0], birth)
            sex = self._sex()
            head = self._jp(family, sex, birth, "世帯主", honseki, father)
            out = [head]
            for _ in range(1 + int(rnd() < 0.25)):
                gap = int((1 + 6 * rnd()) * YEAR) * (1 if rnd() < 0.5 else -1)
                sib_birth = min(birth + gap, self.as_of - 1)
                sib_sex = self._sex()
                older = sib_birth < birth
                rel = ("兄" if older else "弟") if sib_sex == MALE else ("姉" if older else "妹")
                out.append(self._jp(family, sib_sex, sib_birth, rel, honseki, father, (head[2],)))
            return out
        head = self._jp(family, MALE, birth, "世帯主", honseki, None)
        head = head[:12] + (head[0] + IDEOGRAPHIC_SPACE + head[2],)
        if u < 0.65:
            # Common-law wife (妻（未届）, full-width as the standard writes it): her own surname and 戸籍.
            partner_birth = self._spouse_birth(birth, MALE)
            partner_family = self._surname()
            partner = self._jp(
                partner_family,
                FEMALE,
                partner_birth,
                "妻（未届）",
                self._honseki(),
                self._parent_name(partner_family[0], partner_birth),
            )
            return [head, partner]
        # A relative (縁故者, e.g. a niece) or an unrelated lodger (同居人).
        rel = "縁故者" if u < 0.8 else "同居人"
        other_birth = self._birth(self.age_other)
        other_family = family if rel == "縁故者" and rnd() < 0.5 else self._surname()
        other = self._jp(
            other_family,
            self._sex(),
            other_birth,
            rel,
            self._honseki(),
            self._parent_name(other_family[0], other_birth),
        )
        return [head, other]

    def _foreign_single(self) -> list[Draft]:
        table = self._nationality()
        status = table.single_statuses[int(self.rng.random() * len(table.single_statuses))]
        ages = self.age_special_permanent if status == "特別永住者" else self.age_foreign_single
        birth = self._birth(ages)
        return [
            self._foreigner(
                table, self._foreign_family_name(table), self._sex(0.55), birth, "世帯主", status
            )
        ]

    def _foreign_family(self) -> list[Draft]:
        rnd = self.rng.random
        table = self._nationality()
        status = table.family_head_statuses[int(rnd() * len(table.family_head_statuses))]
        ages = self.age_special_permanent if status == "特別永住者" else self.age_foreign_head
        hb = self._birth(ages)
        family = self._foreign_family_name(table)
        head = self._foreigner(table, family, MALE, hb, "世帯主", status)
        wb = self._spouse_birth(hb, MALE)
        # Chinese, Korean and Vietnamese wives keep their own family name.
        keeps_own = table.nationality in ("中国", "韓国", "ベトナム")
        wife_family = self._foreign_family_name(table) if keeps_own else family
        dependent = status if status in UNLIMITED_STATUSES else table.dependent_status
        out = [head, self._foreigner(table, wife_family, FEMALE, wb, "妻", dependent)]
        for birth in self._children_births((hb, wb), self._child_count(), 25.0):
            out.append(self._foreigner(table, family, self._sex(), birth, "子", dependent))
        return out

    def _mixed(self) -> list[Draft]:
        """A Japanese national married to a foreign national; the children are Japanese."""
        rnd = self.rng.random
        table = self._nationality()
        family = self._surname()
        honseki = self._honseki()
        jp_sex = self._sex(0.7)
        jp_birth = self._birth(self.age_parent)
        # Marrying a foreign national opens a new 戸籍 with the Japanese spouse as 筆頭者.
        head = self._jp(family, jp_sex, jp_birth, "世帯主", honseki, None)
        own = head[0] + IDEOGRAPHIC_SPACE + head[2]
        head = head[:12] + (own,)
        spouse_sex = FEMALE if jp_sex == MALE else MALE
        spouse_birth = self._spouse_birth(jp_birth, jp_sex)
        status = "日本人の配偶者等" if rnd() < 0.6 else "永住者"
        spouse = self._foreigner(
            table,
            self._foreign_family_name(table),
            spouse_sex,
            spouse_birth,
            "妻" if spouse_sex == FEMALE else "夫",
            status,
        )
        return [head, spouse] + self._children(family, (jp_birth, spouse_birth), honseki, own)
