"""The sealed-file format: any content round-trips across chunk boundaries; a cut, a flipped
byte, swapped chunks or another key never decrypt (no partial plaintext is accepted)."""

from __future__ import annotations

import io
import secrets

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jichitai.continuity import crypto

KEY = secrets.token_bytes(32)


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "CHUNK", 64)  # many chunks from small inputs


def _seal(data: bytes) -> bytes:
    out = io.BytesIO()
    crypto.encrypt_stream(io.BytesIO(data), out, KEY)
    return out.getvalue()


def _open(sealed: bytes, key: bytes = KEY) -> bytes:
    return b"".join(crypto.decrypt_chunks(io.BufferedReader(io.BytesIO(sealed)), key))  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_round_trip(data: bytes) -> None:
    assert _open(_seal(data)) == data


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=1, max_size=300), st.data())
def test_a_cut_or_a_flipped_byte_never_decrypts(data: bytes, draw: st.DataObject) -> None:
    sealed = _seal(data)
    cut = draw.draw(st.integers(min_value=0, max_value=len(sealed) - 1))
    with pytest.raises(crypto.CryptoError):
        _open(sealed[:cut])
    at = draw.draw(st.integers(min_value=0, max_value=len(sealed) - 1))
    flipped = bytearray(sealed)
    flipped[at] ^= 0x01
    with pytest.raises(crypto.CryptoError):
        _open(bytes(flipped))


def test_swapped_chunks_and_another_key_fail() -> None:
    sealed = _seal(bytes(range(200)))  # 4 chunks of 64/64/64/8
    head, body = sealed[:15], sealed[15:]
    size = 4 + 64 + 16
    chunks = [body[i : i + size] for i in range(0, size * 3, size)] + [body[size * 3 :]]
    swapped = head + chunks[1] + chunks[0] + chunks[2] + chunks[3]
    with pytest.raises(crypto.CryptoError):
        _open(swapped)
    with pytest.raises(crypto.CryptoError):
        _open(head + chunks[0] + chunks[1] + chunks[2])  # the last chunk dropped
    with pytest.raises(crypto.CryptoError):
        _open(sealed, secrets.token_bytes(32))
