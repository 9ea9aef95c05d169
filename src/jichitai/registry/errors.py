"""Register errors as types; each carries the rule, the field and a Japanese message for staff."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleViolation:
    rule: str
    message: str
    field: str = ""


class RegistryError(Exception):
    """A request the register refuses; ``violations`` lists every broken rule."""

    def __init__(self, *violations: RuleViolation) -> None:
        self.violations = list(violations)
        super().__init__("; ".join(f"[{v.rule}] {v.field}: {v.message}" for v in violations))

    @property
    def messages(self) -> list[str]:
        return [v.message for v in self.violations]


class ConcurrentUpdate(RegistryError):
    def __init__(self, what: str) -> None:
        super().__init__(RuleViolation(
            "stale", f"他の職員が先に{what}を更新しました。最新の内容を確認して再度入力してください。"
        ))


class AlertsRaised(RegistryError):
    """Alerts ([1440]#2) the clerk must confirm before the event is entered (仮登録)."""


class DuplicateSuspected(AlertsRaised):
    """Alerts that are all suspected duplicates (転入・出生): ``confirm_duplicates`` confirms them."""


DUPLICATE_RULE = "duplicate_suspected"


def alerts_raised(alerts: list[RuleViolation]) -> AlertsRaised:
    if all(a.rule == DUPLICATE_RULE for a in alerts):
        return DuplicateSuspected(*alerts)
    return AlertsRaised(*alerts)


def violation(rule: str, message: str, field: str = "") -> RegistryError:
    return RegistryError(RuleViolation(rule, message, field))
