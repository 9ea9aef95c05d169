"""Encryption and signatures for backups, bundles and extracts (``cryptography``).

Files are sealed with AES-256-GCM in chunks (so a database of gigabytes never sits in memory):
each chunk has its own nonce (a random 8-byte prefix + the chunk number) and authenticates its
number and whether it is the last one, so chunks cannot be reordered, dropped or cut off at the
end without the tag failing. Bundles are signed with Ed25519: the receiving site holds only the
public key and so can tell a bundle made by the sending site from any other.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"JCENC1\n"
CHUNK = 4 << 20  # 4 MiB of plaintext per sealed chunk
_TAG = 16


class CryptoError(Exception):
    """A key that cannot be read, or data that fails its tag or signature (bilingual)."""


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def load_key(path: Path, *, create: bool = False) -> bytes:
    """The 32-byte AES key in ``path`` (base64 text); a new random one when ``create`` and absent."""
    path = Path(path)
    if not path.exists():
        if not create:
            raise CryptoError(f"鍵ファイルがありません / no key file: {path}")
        _write_private(path, base64.b64encode(secrets.token_bytes(32)) + b"\n")
    try:
        key = base64.b64decode(path.read_bytes().strip(), validate=True)
    except ValueError as exc:
        raise CryptoError(f"鍵ファイルを読めません / unreadable key file: {path}") from exc
    if len(key) != 32:
        raise CryptoError(f"鍵は32バイトです / the key must be 32 bytes: {path}")
    return key


def _aad(n: int, last: bool) -> bytes:
    return MAGIC + struct.pack(">Q?", n, last)


def encrypt_stream(src: BinaryIO, dst: BinaryIO, key: bytes) -> str:
    """Seal ``src`` into ``dst``; returns the sha256 of the plaintext."""
    aead, prefix, digest = AESGCM(key), secrets.token_bytes(8), hashlib.sha256()
    dst.write(MAGIC + prefix)
    n, block = 0, src.read(CHUNK)
    while True:
        following = src.read(CHUNK) if len(block) == CHUNK else b""
        last = not following
        digest.update(block)
        nonce = prefix + struct.pack(">I", n)
        sealed = aead.encrypt(nonce, block, _aad(n, last))
        dst.write(struct.pack(">I", len(sealed)) + sealed)
        if last:
            return digest.hexdigest()
        n, block = n + 1, following


def decrypt_chunks(src: BinaryIO, key: bytes) -> Iterator[bytes]:
    """The plaintext of a sealed stream, chunk by chunk; CryptoError on any tampering."""
    head = src.read(len(MAGIC) + 8)
    if head[: len(MAGIC)] != MAGIC:
        raise CryptoError("暗号化ファイルではありません / not an encrypted file of this system")
    aead, prefix, n = AESGCM(key), head[len(MAGIC) :], 0
    while True:
        size = src.read(4)
        if len(size) != 4:
            raise CryptoError(
                "暗号化ファイルが途中で切れています / the encrypted file is truncated"
            )
        want = struct.unpack(">I", size)[0]
        sealed = src.read(want)
        if len(sealed) != want or want > CHUNK + _TAG:
            raise CryptoError("暗号化ファイルが壊れています / the encrypted file is damaged")
        nonce = prefix + struct.pack(">I", n)
        last = src.peek(1)[:1] == b"" if hasattr(src, "peek") else _at_end(src)
        try:
            yield aead.decrypt(nonce, sealed, _aad(n, last))
        except InvalidTag:
            raise CryptoError(
                "復号できません（鍵が違うか、改ざんされています） / "
                "cannot decrypt: wrong key or tampered data"
            ) from None
        if last:
            return
        n += 1


def _at_end(src: BinaryIO) -> bool:
    here = src.tell()
    more = src.read(1)
    src.seek(here)
    return not more


def encrypt_file(src: Path, dst: Path, key: bytes) -> str:
    with open(src, "rb") as i, open(dst, "wb") as o:
        return encrypt_stream(i, o, key)


def decrypt_file(src: Path, dst: Path, key: bytes) -> str:
    """Decrypt ``src`` into ``dst`` (removed again when the data fails); the plaintext's sha256."""
    digest = hashlib.sha256()
    try:
        with open(src, "rb") as i, open(dst, "wb") as o:
            for chunk in decrypt_chunks(i, key):
                digest.update(chunk)
                o.write(chunk)
    except CryptoError:
        Path(dst).unlink(missing_ok=True)
        raise
    return digest.hexdigest()


def encrypt_bytes(data: bytes, key: bytes) -> bytes:
    import io

    out = io.BytesIO()
    encrypt_stream(io.BytesIO(data), out, key)
    return out.getvalue()


def decrypt_bytes(data: bytes, key: bytes) -> bytes:
    import io

    return b"".join(decrypt_chunks(io.BufferedReader(io.BytesIO(data)), key))  # type: ignore[arg-type]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def signing_key(path: Path, *, create: bool = False) -> Ed25519PrivateKey:
    """The Ed25519 key in ``path`` (PEM); with ``create`` a new one, its public key in PATH.pub."""
    path = Path(path)
    if not path.exists() and create:
        key = Ed25519PrivateKey.generate()
        _write_private(
            path,
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        )
        path.with_name(path.name + ".pub").write_bytes(
            key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise CryptoError(f"署名鍵を読めません / cannot read the signing key: {path}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise CryptoError(f"署名鍵は Ed25519 です / the signing key must be Ed25519: {path}")
    return key


def verify_key(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise CryptoError(f"検証鍵を読めません / cannot read the verification key: {path}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise CryptoError(f"検証鍵は Ed25519 です / the verification key must be Ed25519: {path}")
    return key


def verify_signature(public: Ed25519PublicKey, signature: bytes, data: bytes) -> None:
    try:
        public.verify(signature, data)
    except InvalidSignature:
        raise CryptoError(
            "署名が一致しません（改ざんされたか、別の送り元の束です） / "
            "bad signature: tampered, or not from the expected site"
        ) from None
