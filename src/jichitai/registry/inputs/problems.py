"""What an input check says when it refuses: the rule, the item and a message in Japanese.

``InputProblem`` is a ValueError, so a check can run inside a typed request (pydantic turns it into
the register's RuleViolation with the item's path, see ``as_pydantic``) and inside the register's
rules (``as_violation``) alike.
"""

from __future__ import annotations

import unicodedata

from pydantic_core import PydanticCustomError

from ..errors import RegistryError, RuleViolation


class InputProblem(ValueError):
    def __init__(self, rule: str, message: str, field: str = "") -> None:
        super().__init__(message)
        self.rule, self.message, self.field = rule, message, field

    def as_pydantic(self) -> PydanticCustomError:
        # the message travels in the context: a "{" in the refused text must not be a template
        return PydanticCustomError(self.rule, "{message}", {"message": self.message})

    def as_violation(self, field: str = "") -> RegistryError:
        return RegistryError(RuleViolation(self.rule, self.message, field or self.field))


def shown(ch: str) -> str:
    """A refused character as a clerk can read it: itself, or its code when it is invisible."""
    codes = " ".join(f"U+{ord(c):04X}" for c in ch)
    if unicodedata.category(ch[0]) in ("Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Co", "Cn"):
        return f"{codes}（{_name(ch[0])}）"
    return f"「{ch}」（{codes}）" if len(ch) > 1 else f"「{ch}」"


def _name(ch: str) -> str:
    cat = unicodedata.category(ch)
    if cat in ("Cc", "Cf"):
        return "制御文字"
    if cat.startswith("Z"):
        return "空白"
    if cat == "Mn":
        return "結合文字"
    return "文字コードのみの文字"
