"""Collision-free synthetic identifiers: 個人番号, 住民票コード and 在留カード番号.

What it is for: every synthetic person gets identifiers that are valid in format and check digit,
unique within a municipality *and across municipalities*, and derivable from (municipality code,
person seq) alone, without any memory of what was issued before (3.7 million residents stream).

How uniqueness is guaranteed (not hoped for):

1. ``global_index(code, seq)`` maps (municipality, seq) injectively into [0, 10**10): every
   municipality code owns a fixed, disjoint block of indexes whose size (its *capacity*) depends on
   the kind of code (see ``_SEGMENTS``). The blocks of all 47 prefectures × 1000 city parts fit in
   8.3·10**9 < 10**10, so no two (municipality, seq) pairs share an index.
2. Each identifier is a keyed Feistel permutation of that index over its own digit space (a
   bijection, so distinct indexes give distinct numbers), then the check digit is appended.

The Feistel keys are fixed constants, not derived from the generator seed: that keeps identifiers
unique across municipalities even when they were generated with different seeds. The price is that
the same municipality generated twice with different seeds reuses the same numbers for different
synthetic people; never load two seeds of one municipality into one database.

What it must never do: use randomness with collision checks (needs memory), depend on
/work/shared, or claim these are real people's numbers. A synthetic 個人番号 is only *format-valid*;
it may coincide with a real person's number by chance, which is why synthetic data must never leave
test and demo environments.
"""

from __future__ import annotations

import hashlib

from .checkdigits import is_valid_municipality_code

__all__ = [
    "MAX_PREFECTURE",
    "global_index",
    "municipality_capacity",
    "my_number_for",
    "residence_card_number_for",
    "resident_code_for",
]

MAX_PREFECTURE = 47

# (first city part, end city part (exclusive), capacity per code). The city part is digits 3-5 of
# the 地方公共団体コード. Capacities follow what real codes of that kind hold, with headroom:
#   100        政令指定都市 (the city itself): 2**22 = 4,194,304 (横浜市 has ~3.77 million)
#   101-159    区 (東京23区, 政令市の区): 2**20 = 1,048,576 (世田谷区 ~0.94 million)
#   200-249    市: 2**20 (the largest non-designated cities have ~0.65 million)
#   all others 町村, 都道府県 and unused ranges: 2**16 = 65,536 (the largest 町 has ~0.05 million)
# The total per prefecture times 47 must stay below 10**10 (the 10-digit 住民票コード body).
_SEGMENTS: tuple[tuple[int, int, int], ...] = (
    (0, 100, 1 << 16),
    (100, 101, 1 << 22),
    (101, 160, 1 << 20),
    (160, 200, 1 << 16),
    (200, 250, 1 << 20),
    (250, 1000, 1 << 16),
)


def _segment_offsets() -> tuple[tuple[int, int, int, int], ...]:
    out = []
    offset = 0
    for start, end, cap in _SEGMENTS:
        out.append((start, end, cap, offset))
        offset += (end - start) * cap
    return tuple(out)


_SEGMENT_OFFSETS = _segment_offsets()
PREFECTURE_SPAN = sum((end - start) * cap for start, end, cap in _SEGMENTS)
INDEX_SPACE = 10**10
assert PREFECTURE_SPAN * MAX_PREFECTURE <= INDEX_SPACE, "capacity layout overflows 住民票コード"


def _split_code(municipality_code: str) -> tuple[int, int]:
    """Return (prefecture 1..47, city part 0..999) of a 5- or 6-digit 地方公共団体コード."""
    code = municipality_code
    if isinstance(code, str) and len(code) == 6:
        if not is_valid_municipality_code(code):
            raise ValueError(
                f"地方公共団体コード {code!r} has a wrong check digit or is not digits"
            )
        code = code[:5]
    if not (isinstance(code, str) and len(code) == 5 and code.isascii() and code.isdigit()):
        raise ValueError(
            f"地方公共団体コード must be 5 digits or 6 digits with check digit, got {municipality_code!r}"
        )
    prefecture, city = int(code[:2]), int(code[2:])
    if not 1 <= prefecture <= MAX_PREFECTURE:
        raise ValueError(f"地方公共団体コード {municipality_code!r}: prefecture must be 01-47")
    return prefecture, city


def _block(municipality_code: str) -> tuple[int, int]:
    prefecture, city = _split_code(municipality_code)
    for start, end, cap, offset in _SEGMENT_OFFSETS:
        if start <= city < end:
            return (prefecture - 1) * PREFECTURE_SPAN + offset + (city - start) * cap, cap
    raise AssertionError("segments cover 0..999")  # pragma: no cover


def municipality_capacity(municipality_code: str) -> int:
    """How many synthetic residents this municipality code can hold with unique identifiers."""
    return _block(municipality_code)[1]


def global_index(municipality_code: str, seq: int) -> int:
    """Injective map of (municipality, person seq 1..capacity) into [0, 10**10)."""
    base, cap = _block(municipality_code)
    if not 1 <= seq <= cap:
        raise ValueError(f"person seq {seq} outside 1..{cap} for municipality {municipality_code}")
    return base + seq - 1


# --- keyed Feistel permutation over [0, a*b) -------------------------------------------------
# Each round maps x = L*b + R (L < a, R < b) to R*a + (L + F(R)) mod a, which is invertible
# (R = y // a, L = (y % a − F(R)) mod a), so any number of rounds is a bijection on [0, a*b) for
# any a, b and any F: no cycle walking, no power-of-two domain needed. F only has to look random;
# this is not cryptography and must not be used as such. F is three lookups in 1024-entry tables
# of 30-bit values (small ints keep CPython on its fast path; a 64-bit multiply was 2x slower).

_Round = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]


def _round_tables(name: str, n: int) -> tuple[_Round, ...]:
    """``n`` rounds of (ta, tb, tc) tables from SHAKE-256, so they never change across versions."""
    rounds = []
    for i in range(n):
        tables = []
        for part in "abc":
            raw = hashlib.shake_256(f"jichitai-synthetic/{name}/{i}/{part}".encode()).digest(4096)
            values = [int.from_bytes(raw[j : j + 4], "big") >> 2 for j in range(0, 4096, 4)]
            tables.append(values)
        tables[2][0] = 0  # F(r) for r < 2**20 is then ta ^ tb: lets the hot path skip tc
        rounds.append((tuple(tables[0]), tuple(tables[1]), tuple(tables[2])))
    return tuple(rounds)


def _f(r: int, rnd: _Round) -> int:
    ta, tb, tc = rnd
    return ta[r & 1023] ^ tb[(r >> 10) & 1023] ^ tc[(r >> 20) & 1023]


def _feistel(x: int, a: int, b: int, rounds: tuple[_Round, ...]) -> int:
    """Bijection of [0, a*b); halves must stay below 2**30 (F reads 30 bits of R)."""
    for rnd in rounds:
        left, right = divmod(x, b)
        x = right * a + (left + _f(right, rnd)) % a
        a, b = b, a
    return x


def _feistel_inverse(y: int, a: int, b: int, rounds: tuple[_Round, ...]) -> int:
    """Inverse of ``_feistel`` (used by tests to prove the bijection)."""
    sizes = []
    for _ in rounds:
        sizes.append((a, b))
        a, b = b, a
    for rnd, (ra, rb) in zip(reversed(rounds), reversed(sizes), strict=True):
        right, rest = divmod(y, ra)
        left = (rest - _f(right, rnd)) % ra
        y = left * rb + right
    return y


_MY_NUMBER_ROUNDS = _round_tables("my-number", 4)
_RESIDENT_CODE_ROUNDS = _round_tables("resident-code", 4)
_CARD_ROUNDS = _round_tables("residence-card", 4)


# --- fast check digits on ints (the hot path; checked against checkdigits.py by tests) --------
def _weight_table(first_n: int, count: int) -> list[int]:
    """Σ digit·Q(n) for all 10**count values of ``count`` digits starting at position first_n."""
    table = []
    for v in range(10**count):
        total = 0
        for i in range(count):
            n = first_n + i
            total += (v // 10**i % 10) * ((n - 1) % 6 + 2)
        table.append(total)
    return table


_T1 = _weight_table(1, 3)  # digits n = 1..3 (from the right)
_T4 = _weight_table(4, 3)  # n = 4..6
_T6 = _weight_table(6, 3)  # n = 6..8
_T7 = _weight_table(7, 3)  # n = 7..9
_T9 = _weight_table(9, 2)  # n = 9..10
_T10 = _weight_table(10, 2)  # n = 10..11


def _mod11_check(body: int) -> int:
    r = (
        _T1[body % 1000]
        + _T4[body // 1000 % 1000]
        + _T7[body // 1000000 % 1000]
        + _T10[body // 1000000000]
    ) % 11
    return 0 if r <= 1 else 11 - r


# The two hot-path permutations below are ``_feistel`` unrolled (same results, asserted by tests):
# state (L, R) becomes (R, (L + F(R)) mod m) with m alternating a, b, a, b; the result is L*b + R.
# Both halves are below 2**20, so tc (whose entry 0 is 0) drops out of F.
(_A1, _B1, _), (_A2, _B2, _), (_A3, _B3, _), (_A4, _B4, _) = _MY_NUMBER_ROUNDS
(_C1, _D1, _), (_C2, _D2, _), (_C3, _D3, _), (_C4, _D4, _) = _RESIDENT_CODE_ROUNDS


def my_number_from_index(index: int) -> str:
    left, right = divmod(index, 1_000_000)
    left, right = right, (left + (_A1[right & 1023] ^ _B1[right >> 10])) % 100_000
    left, right = right, (left + (_A2[right & 1023] ^ _B2[right >> 10])) % 1_000_000
    left, right = right, (left + (_A3[right & 1023] ^ _B3[right >> 10])) % 100_000
    left, right = right, (left + (_A4[right & 1023] ^ _B4[right >> 10])) % 1_000_000
    # body = left * 10**6 + right; weigh the halves separately to stay on small ints.
    r = (_T1[right % 1000] + _T4[right // 1000] + _T7[left % 1000] + _T10[left // 1000]) % 11
    return f"{left:05d}{right:06d}{0 if r <= 1 else 11 - r}"


def resident_code_from_index(index: int) -> str:
    left, right = divmod(index, 100_000)
    left, right = right, (left + (_C1[right & 1023] ^ _D1[right >> 10])) % 100_000
    left, right = right, (left + (_C2[right & 1023] ^ _D2[right >> 10])) % 100_000
    left, right = right, (left + (_C3[right & 1023] ^ _D3[right >> 10])) % 100_000
    left, right = right, (left + (_C4[right & 1023] ^ _D4[right >> 10])) % 100_000
    # body = left * 10**5 + right (digits n = 1..5 and 6..10).
    r = (_T1[right % 1000] + _T4[right // 1000] + _T6[left % 1000] + _T9[left // 1000]) % 11
    return f"{left:05d}{right:05d}{0 if r <= 1 else 11 - r}"


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def residence_card_number_from_index(index: int) -> str:
    """在留カード番号 shape: 2 letters + 8 digits + 2 letters, e.g. ``AB12345678CD``.

    No check character is known to us for the card number, so none is computed.
    """
    value = _feistel(index, 26**4, 10**8, _CARD_ROUNDS)
    letters, digits = divmod(value, 10**8)
    l1, rest = divmod(letters, 26**3)
    l2, rest = divmod(rest, 26**2)
    l3, l4 = divmod(rest, 26)
    return f"{_LETTERS[l1]}{_LETTERS[l2]}{digits:08d}{_LETTERS[l3]}{_LETTERS[l4]}"


def my_number_for(municipality_code: str, seq: int) -> str:
    """The synthetic 個人番号 of person ``seq`` of a municipality (also for callers minting more)."""
    return my_number_from_index(global_index(municipality_code, seq))


def resident_code_for(municipality_code: str, seq: int) -> str:
    """The synthetic 住民票コード of person ``seq`` of a municipality."""
    return resident_code_from_index(global_index(municipality_code, seq))


def residence_card_number_for(municipality_code: str, seq: int) -> str:
    """The synthetic 在留カード番号 of person ``seq`` (only foreign residents carry one)."""
    return residence_card_number_from_index(global_index(municipality_code, seq))
