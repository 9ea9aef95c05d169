"""The event catalogue in code and in docs/audit.md agree; accounts' auth events are all known."""

from __future__ import annotations

from pathlib import Path

from jichitai.accounts.signals import AuthEvent
from jichitai.audit.events import CATALOGUE, describe

DOC = Path(__file__).resolve().parents[2] / "docs" / "audit.md"


def test_every_catalogued_action_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [f"{c}/{a}" for c, a in CATALOGUE if f"`{a}`" not in text]
    assert not missing, f"add to docs/audit.md: {missing}"


def test_every_auth_event_of_accounts_is_catalogued() -> None:
    assert {e.value for e in AuthEvent} <= {a for c, a in CATALOGUE if c == "auth"}


def test_messages_render_in_japanese_and_unknown_actions_fall_back_to_their_name() -> None:
    title, msg = describe("read", "view", {"username": "clerk-a", "subject_type": "person",
                                           "subject_id": "7", "screen": "住民照会"})
    assert title == "住民情報の閲覧" and msg.startswith("clerk-a が person 7 を閲覧（住民照会")
    assert describe("operation", "registry.event.submitted", {"username": "x"})[0] == "registry.event.submitted"
