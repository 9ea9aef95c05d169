"""EUC の条件式 ([1360]#4): a small expression language, parsed here and evaluated on rows in Python.

Never SQL, never ``eval``: the text becomes a tree of a few node kinds and only the operators and
functions below exist. Any input either parses or raises :class:`ExprError` with a message in
Japanese naming the position; evaluation errors (a date that does not read, a division by zero) are
:class:`ExprError` too.

    expr    := or
    or      := and (("OR" | "||" | "または") and)*
    and     := not (("AND" | "&&" | "かつ") not)*
    not     := ("NOT" | "!") not | cmp
    cmp     := concat ((= | == | != | <> | < | <= | > | >= | CONTAINS) concat)?
    concat  := sum ("&" sum)*                      (文字列の連結, as in spreadsheets)
    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary)*
    unary   := "-" unary | primary
    primary := number | 'text' | "text" | 「text」 | item | [item] | NAME(args) | ( expr ) | TRUE | FALSE
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_LENGTH = 2000
MAX_DEPTH = 40
MAX_OPERATIONS = 300  # bounds the tree's depth: evaluation never nears Python's recursion limit


class ExprError(ValueError):
    """A clear message (Japanese) about an expression, with the position when known."""

    def __init__(self, message: str, position: int | None = None) -> None:
        self.message = message if position is None else f"{position + 1}文字目: {message}"
        self.position = position
        super().__init__(self.message)


@dataclass(frozen=True)
class Node:
    kind: str  # lit | item | call | bin | not | neg
    value: Any = None  # literal value, item key, function name or operator
    args: tuple[Node, ...] = ()


_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<num>\d+(?:\.\d+)?)
  | (?P<str>'[^']*'|"[^"]*"|「[^」]*」)
  | (?P<bracket>\[[^\]]+\])
  | (?P<op><=|>=|<>|!=|==|&&|\|\||[=<>+\-*/&(),!])
  | (?P<name>[^\W\d][\w・（）]*)
""", re.VERBOSE)
KEYWORDS = {"and": "and", "かつ": "and", "or": "or", "または": "or", "not": "not", "contains": "contains",
            "を含む": "contains", "true": "true", "false": "false"}
COMPARE = {"=": "=", "==": "=", "!=": "!=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">=",
           "contains": "contains"}


@dataclass(frozen=True)
class _Tok:
    kind: str  # num str name op kw end
    text: str
    pos: int


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ExprError(f"使えない文字「{text[pos]}」があります。", pos)
        kind = m.lastgroup or ""
        word = m.group()
        if kind == "name" and word.lower() in KEYWORDS:
            out.append(_Tok("kw", KEYWORDS[word.lower()], pos))
        elif kind == "op" and word in ("&&", "||", "!"):
            out.append(_Tok("kw", {"&&": "and", "||": "or", "!": "not"}[word], pos))
        elif kind != "ws":
            out.append(_Tok(kind, word, pos))
        pos = m.end()
    out.append(_Tok("end", "", len(text)))
    return out


class _Parser:
    def __init__(self, text: str, resolve: Callable[[str, int], str]) -> None:
        self.toks = _tokens(text)
        self.i = 0
        self.depth = 0
        self.operations = 0
        self.resolve = resolve

    def count(self) -> None:
        self.operations += 1
        if self.operations > MAX_OPERATIONS:
            raise ExprError(f"演算子・関数が多すぎます（{MAX_OPERATIONS}個まで）。", self.peek().pos)

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expect(self, text: str) -> None:
        tok = self.take()
        if tok.text != text or tok.kind not in ("op", "kw"):
            raise ExprError(f"「{text}」が必要です（「{tok.text or '式の終わり'}」があります）。", tok.pos)

    def nested(self) -> None:
        self.count()
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError(f"式の入れ子が深すぎます（{MAX_DEPTH}段まで）。", self.peek().pos)

    def binary(self, ops: dict[str, str], below: Callable[[], Node], kinds: tuple[str, ...] = ("op",)) -> Node:
        left = below()
        while self.peek().kind in kinds and self.peek().text in ops:
            op = ops[self.take().text]
            self.count()
            left = Node("bin", op, (left, below()))
        return left

    def expr(self) -> Node:
        self.nested()
        node = self.binary({"or": "or"}, self.conj, ("kw",))
        self.depth -= 1
        return node

    def conj(self) -> Node:
        return self.binary({"and": "and"}, self.neg, ("kw",))

    def neg(self) -> Node:
        if self.peek().kind == "kw" and self.peek().text == "not":
            self.take()
            self.nested()
            node = Node("not", None, (self.neg(),))
            self.depth -= 1
            return node
        return self.cmp()

    def cmp(self) -> Node:
        left = self.concat()
        tok = self.peek()
        if tok.kind in ("op", "kw") and tok.text in COMPARE:
            self.take()
            left = Node("bin", COMPARE[tok.text], (left, self.concat()))
            nxt = self.peek()
            if nxt.kind in ("op", "kw") and nxt.text in COMPARE:
                raise ExprError("比較は1つずつ AND / OR でつないでください。", nxt.pos)
        return left

    def concat(self) -> Node:
        return self.binary({"&": "&"}, self.sum)

    def sum(self) -> Node:
        return self.binary({"+": "+", "-": "-"}, self.product)

    def product(self) -> Node:
        return self.binary({"*": "*", "/": "/"}, self.unary)

    def unary(self) -> Node:
        if self.peek().kind == "op" and self.peek().text == "-":
            self.take()
            self.nested()
            node = Node("neg", None, (self.unary(),))
            self.depth -= 1
            return node
        return self.primary()

    def primary(self) -> Node:
        tok = self.take()
        if tok.kind == "num":
            return Node("lit", Decimal(tok.text))
        if tok.kind == "str":
            return Node("lit", tok.text[1:-1])
        if tok.kind == "kw" and tok.text in ("true", "false"):
            return Node("lit", tok.text == "true")
        if tok.kind == "kw" and tok.text == "contains" and self.peek().text == "(":
            return self.call(_Tok("name", "CONTAINS", tok.pos))  # the function, not the infix operator
        if tok.kind == "bracket":
            return Node("item", self.resolve(tok.text[1:-1].strip(), tok.pos))
        if tok.kind == "name":
            if self.peek().kind == "op" and self.peek().text == "(":
                return self.call(tok)
            return Node("item", self.resolve(tok.text, tok.pos))
        if tok.kind == "op" and tok.text == "(":
            node = self.expr()
            self.expect(")")
            return node
        raise ExprError(f"ここに「{tok.text or '式の終わり'}」は置けません（値・項目名・関数が必要です）。", tok.pos)

    def call(self, name: _Tok) -> Node:
        fn = FUNCTIONS.get(name.text.upper())
        if fn is None:
            raise ExprError(f"関数「{name.text}」はありません（使える関数: {', '.join(sorted(FUNCTIONS))}）。", name.pos)
        self.take()  # "("
        self.count()
        args: list[Node] = []
        if not (self.peek().kind == "op" and self.peek().text == ")"):
            args.append(self.expr())
            while self.peek().kind == "op" and self.peek().text == ",":
                self.take()
                args.append(self.expr())
        self.expect(")")
        low, high = fn.arity
        if not low <= len(args) <= high:
            want = str(low) if low == high else f"{low}～{high}"
            raise ExprError(f"関数 {name.text.upper()} の引数は{want}個です（{len(args)}個あります）。", name.pos)
        return Node("call", name.text.upper(), tuple(args))


def parse(text: str, resolve: Callable[[str, int], str]) -> Node:
    """The tree of ``text``; ``resolve(name, position)`` turns an item name into its key (or raises
    :class:`ExprError`)."""
    if not isinstance(text, str) or not text.strip():
        raise ExprError("条件式が空です。")
    if len(text) > MAX_LENGTH:
        raise ExprError(f"条件式が長すぎます（{MAX_LENGTH}文字まで）。")
    p = _Parser(text, resolve)
    node = p.expr()
    tok = p.peek()
    if tok.kind != "end":
        raise ExprError(f"「{tok.text}」の前で式が終わっています（演算子 AND / OR などが必要です）。", tok.pos)
    return node


def items_used(node: Node) -> set[str]:
    if node.kind == "item":
        return {node.value}
    return set().union(*(items_used(a) for a in node.args)) if node.args else set()


# ---- evaluation ---------------------------------------------------------------------------------


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ExprError(f"「{value}」を日付（例: 2024-04-01）として読めません。") from None


def _number(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int | Decimal):
        return Decimal(value)
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        raise ExprError(f"「{value}」を数値として読めません。") from None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _pair(a: Any, b: Any) -> tuple[Any, Any]:
    """Comparable forms of two values: dates if either is a date, numbers if either is a number."""
    if isinstance(a, dt.date) or isinstance(b, dt.date):
        return _date(a), _date(b)
    if isinstance(a, int | Decimal) and not isinstance(a, bool) or isinstance(b, int | Decimal) and not isinstance(b, bool):
        return _number(a), _number(b)
    return _text(a), _text(b)


def _compare(op: str, a: Any, b: Any) -> bool:
    if op == "contains":
        return _text(b) in _text(a)
    x, y = _pair(a, b)
    if op in ("=", "!="):
        same = (x or None) == (y or None) if isinstance(x, str) else x == y
        return same if op == "=" else not same
    if x is None or y is None or x == "" or y == "":
        return False  # a blank value is never less or greater than anything
    return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]


def _arith(op: str, a: Any, b: Any) -> Any:
    if op == "&":
        return _text(a) + _text(b)
    if isinstance(a, dt.date) and op in ("+", "-") and not isinstance(b, dt.date):
        n = _number(b)
        return None if n is None else a + dt.timedelta(days=int(n) if op == "+" else -int(n))
    if isinstance(a, dt.date) and isinstance(b, dt.date) and op == "-":
        return Decimal((a - b).days)
    x, y = _number(a), _number(b)
    if x is None or y is None:
        return None
    if op == "/":
        if y == 0:
            raise ExprError("0 で割ることはできません。")
        return x / y
    return {"+": x + y, "-": x - y, "*": x * y}[op]


def evaluate(node: Node, row: Mapping[str, Any], base: dt.date) -> Any:
    """The value of ``node`` for ``row`` (``base``: the 基準日 of AGE and TODAY)."""
    try:
        return _evaluate(node, row, base)
    except (ArithmeticError, OverflowError, ValueError) as exc:
        if isinstance(exc, ExprError):
            raise
        raise ExprError(f"計算できません（値が大きすぎるか、日付の範囲を超えています: {type(exc).__name__}）。") from None


def _evaluate(node: Node, row: Mapping[str, Any], base: dt.date) -> Any:
    k = node.kind
    if k == "lit":
        return node.value
    if k == "item":
        return row.get(node.value)
    if k == "not":
        return not _truth(_evaluate(node.args[0], row, base))
    if k == "neg":
        n = _number(_evaluate(node.args[0], row, base))
        return None if n is None else -n
    if k == "call":
        return FUNCTIONS[node.value].fn(base, *(_evaluate(a, row, base) for a in node.args))
    op = node.value
    if op == "and":
        return _truth(_evaluate(node.args[0], row, base)) and _truth(_evaluate(node.args[1], row, base))
    if op == "or":
        return _truth(_evaluate(node.args[0], row, base)) or _truth(_evaluate(node.args[1], row, base))
    a, b = _evaluate(node.args[0], row, base), _evaluate(node.args[1], row, base)
    if op in COMPARE.values():
        return _compare(op, a, b)
    return _arith(op, a, b)


def _truth(value: Any) -> bool:
    return value not in (None, "", False) and value != 0


def age(born: Any, on: Any) -> int | None:
    b, d = _date(born), _date(on)
    if b is None or d is None:
        return None
    return d.year - b.year - ((d.month, d.day) < (b.month, b.day))


@dataclass(frozen=True)
class Function:
    arity: tuple[int, int]
    fn: Callable[..., Any]
    help: str


def _int(value: Any) -> int:
    n = _number(value)
    return 0 if n is None else max(0, min(int(n), 10_000))


FUNCTIONS: dict[str, Function] = {
    "AGE": Function((1, 2), lambda base, d, on=None: age(d, base if on is None else on),
                    "AGE(生年月日[, 日付]): 基準日（省略時は抽出の基準日）の満年齢"),
    "TODAY": Function((0, 0), lambda base: base, "TODAY(): 抽出の基準日"),
    "DATE": Function((1, 1), lambda base, s: _date(s), "DATE('2024-04-01'): 日付"),
    "YEAR": Function((1, 1), lambda base, d: (x := _date(d)) and x.year, "YEAR(日付): 年"),
    "MONTH": Function((1, 1), lambda base, d: (x := _date(d)) and x.month, "MONTH(日付): 月"),
    "DAY": Function((1, 1), lambda base, d: (x := _date(d)) and x.day, "DAY(日付): 日"),
    "LEN": Function((1, 1), lambda base, s: len(_text(s)), "LEN(文字列): 文字数"),
    "LEFT": Function((2, 2), lambda base, s, n: _text(s)[:_int(n)], "LEFT(文字列, n): 先頭 n 文字"),
    "RIGHT": Function((2, 2), lambda base, s, n: _text(s)[len(_text(s)) - _int(n):] if _int(n) else "",
                      "RIGHT(文字列, n): 末尾 n 文字"),
    "CONTAINS": Function((2, 2), lambda base, s, t: _text(t) in _text(s), "CONTAINS(文字列, 語): 語を含む"),
    "STARTSWITH": Function((2, 2), lambda base, s, t: _text(s).startswith(_text(t)), "STARTSWITH(文字列, 語): 語で始まる"),
    "ENDSWITH": Function((2, 2), lambda base, s, t: _text(s).endswith(_text(t)), "ENDSWITH(文字列, 語): 語で終わる"),
    "ISBLANK": Function((1, 1), lambda base, v: v is None or _text(v).strip() == "", "ISBLANK(項目): 空欄"),
    "IF": Function((3, 3), lambda base, c, a, b: a if _truth(c) else b, "IF(条件, 真の値, 偽の値)"),
    "ABS": Function((1, 1), lambda base, n: None if (x := _number(n)) is None else abs(x), "ABS(数値): 絶対値"),
}
