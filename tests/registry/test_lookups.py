"""The __prefix lookup equals startswith (property-based over the keys' alphabet)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jichitai.registry.lookups import successor

text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x10FFFF,
                                      blacklist_categories=("Cs",)), min_size=1, max_size=6)


@given(prefix=text, rest=st.text(max_size=4), other=text)
def test_range_equals_startswith(prefix: str, rest: str, other: str) -> None:
    upper = successor(prefix)
    assert prefix <= prefix + rest < upper
    assert (prefix <= other < upper) == other.startswith(prefix)
