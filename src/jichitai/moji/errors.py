"""Error types of `jichitai.moji`, each with a Japanese message for people and an English one for logs.

Never raise a bare ValueError/KeyError across the package boundary: callers (views, CLI, migration
jobs) show ``message_ja`` to clerks and must be able to tell the cases apart by type.
"""

from __future__ import annotations


class MojiError(Exception):
    """Base of every error raised by `jichitai.moji`."""

    def __init__(self, message_ja: str, message_en: str) -> None:
        super().__init__(f"{message_ja} / {message_en}")
        self.message_ja = message_ja
        self.message_en = message_en


class ArtefactMissingError(MojiError):
    """The packaged MJ artefact is absent or unreadable (a broken install, not a user error)."""


class UnknownMJError(MojiError):
    """An MJ文字図形名 that is not in MJ文字情報一覧表."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"MJ文字図形名 {name} は文字情報一覧表にありません",
            f"MJ glyph name {name} is not in the MJ table",
        )
        self.name = name


class NoCodePointError(MojiError):
    """An MJ row that IPAmj明朝 cannot reach by any code point or IVS (withdrawn/duplicate glyphs)."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"{name} には実装したUCSも IVS もありません(欠番・重複字形)",
            f"{name} has neither an implemented code point nor an IVS (withdrawn or duplicate glyph)",
        )
        self.name = name


class UnknownTargetError(MojiError):
    """A degrade target other than jisx0213 / jisx0208."""

    def __init__(self, target: str) -> None:
        super().__init__(
            f"縮退先 {target!r} は未対応です(jisx0213 か jisx0208)",
            f"unknown degrade target {target!r} (use jisx0213 or jisx0208)",
        )
        self.target = target


class GaijiMapError(MojiError):
    """One problem in a legacy 外字 mapping table: where it is (line, field) and which rule it breaks."""

    def __init__(self, line: int, field: str, rule: str, message_ja: str, message_en: str) -> None:
        super().__init__(
            f"{line}行目 {field}: {message_ja}", f"line {line}, field {field}: {message_en}"
        )
        self.line = line
        self.field = field
        self.rule = rule
        self.detail_ja = message_ja
        self.detail_en = message_en


class GaijiTableError(MojiError):
    """A 外字 mapping table that failed validation; ``errors`` lists every problem found, not just the first."""

    def __init__(self, errors: list[GaijiMapError]) -> None:
        super().__init__(
            f"外字対応表に {len(errors)} 件の誤りがあります",
            f"the gaiji mapping table has {len(errors)} error(s)",
        )
        self.errors = tuple(errors)


class NoCandidateCriteriaError(MojiError):
    """`candidates()` called without any evidence to rank by."""

    def __init__(self) -> None:
        super().__init__(
            "読み・部首・画数・元の字のいずれかを指定してください",
            "give at least one of reading, radical, strokes or base_char",
        )
