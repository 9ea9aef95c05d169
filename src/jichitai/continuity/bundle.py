"""A municipality's bundle: its register, 印鑑登録 and 課税情報 through the migration export
(``importer``: layouts kihon-1.0-jumin, kihon-1.0-inkan, kihon-1.0-juminzei, the impressions
beside them), each file encrypted (AES-256-GCM, ``crypto``), with a signed manifest.

The bundle is a tar holding ``manifest.json`` (format, municipality, time, and per file the
sha256 of its plaintext and of its encrypted form), ``manifest.sig`` (Ed25519 over the manifest's
bytes) and ``data/NAME.enc``. Import checks the signature, then every hash, then decrypts every
file, before anything is written to the register: a tampered bundle writes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import crypto

FORMAT = "jichitai-bundle/1"
# in import order: persons first, then what refers to them
LAYOUTS = ("kihon-1.0-jumin", "kihon-1.0-inkan", "kihon-1.0-juminzei")
_MEMBER_LIMIT = 1 << 34  # refuse absurd members (a bundle is not trusted before its signature)


class BundleRefused(Exception):
    """The bundle fails its signature, a hash, its key, or does not fit this installation."""


@dataclass
class BundleResult:
    path: Path
    municipality: str
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    persons: int = 0
    imported: dict[str, Any] = field(default_factory=dict)


def _file_name(layout: str, code: str) -> str:
    return f"{layout}-{code}.csv"


def export_bundle(
    out: Path, *, municipality: Any, staff: Any, key: bytes, signer: Any
) -> BundleResult:
    """Write ``municipality``'s bundle to ``out`` (as ``staff``, who needs migration.run)."""
    from jichitai.importer.migration_files import export_file

    result = BundleResult(Path(out), municipality.code)
    with tempfile.TemporaryDirectory(prefix="jichitai-bundle-") as tmp:
        work = Path(tmp) / "plain"
        work.mkdir()
        for layout in LAYOUTS:
            run = export_file(
                work / _file_name(layout, municipality.code),
                layout=layout,
                municipality=municipality,
                staff=staff,
                include_restricted=True,
            )
            if layout == LAYOUTS[0]:
                result.persons = run.persons
        sealed = Path(tmp) / "sealed"
        sealed.mkdir()
        for path in sorted(p for p in work.iterdir() if p.is_file()):
            enc = sealed / (path.name + ".enc")
            plain_sha = crypto.encrypt_file(path, enc, key)
            result.files[path.name] = {
                "sha256": plain_sha,
                "sealed_sha256": crypto.sha256_file(enc),
                "size": path.stat().st_size,
            }
        manifest = json.dumps(
            {
                "format": FORMAT,
                "municipality": {"code": municipality.code, "name": municipality.name},
                "created_at": dt.datetime.now(dt.UTC).isoformat(),
                "persons": result.persons,
                "files": result.files,
            },
            ensure_ascii=False,
            indent=1,
            sort_keys=True,
        ).encode()
        _write_tar(Path(out), manifest, signer.sign(manifest), sealed)
    return result


def _write_tar(out: Path, manifest: bytes, signature: bytes, sealed: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(out, "w") as tar:
        for name, data in (("manifest.json", manifest), ("manifest.sig", signature)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for path in sorted(sealed.iterdir()):
            tar.add(path, arcname=f"data/{path.name}")


def _read_member(tar: tarfile.TarFile, name: str) -> bytes:
    try:
        member = tar.getmember(name)
    except KeyError:
        raise BundleRefused(f"束に {name} がありません / the bundle lacks {name}") from None
    if not member.isfile() or member.size > _MEMBER_LIMIT:
        raise BundleRefused(f"束の {name} が不正です / bad member {name}")
    fh = tar.extractfile(member)
    assert fh is not None
    return fh.read()


def open_bundle(path: Path, *, key: bytes, public: Any, into: Path) -> dict[str, Any]:
    """Verify ``path`` and decrypt its files into ``into``; returns the manifest.

    Order: the manifest's signature, the sealed files' hashes, decryption (its tags), the
    plaintexts' hashes. Any failure is BundleRefused and leaves ``into`` empty.
    """
    try:
        tar = tarfile.open(path, "r:")
    except (tarfile.TarError, OSError) as exc:
        raise BundleRefused(f"束を読めません / cannot read the bundle: {exc}") from exc
    with tar:
        manifest_bytes = _read_member(tar, "manifest.json")
        try:
            crypto.verify_signature(public, _read_member(tar, "manifest.sig"), manifest_bytes)
        except crypto.CryptoError as exc:
            raise BundleRefused(str(exc)) from exc
        manifest = json.loads(manifest_bytes)
        if manifest.get("format") != FORMAT:
            raise BundleRefused(
                f"束の形式が違います / unknown bundle format: {manifest.get('format')}"
            )
        names = {m.name for m in tar.getmembers()}
        extra = (
            names - {"manifest.json", "manifest.sig"} - {f"data/{n}.enc" for n in manifest["files"]}
        )
        if extra:
            raise BundleRefused(
                f"目録にないファイルがあります / files not in the manifest: {sorted(extra)}"
            )
        written: list[Path] = []
        try:
            for name, meta in manifest["files"].items():
                written.append(into / name)
                _extract_one(tar, name, meta, key, into)
        except (BundleRefused, crypto.CryptoError) as exc:
            for p in written:
                p.unlink(missing_ok=True)
            raise BundleRefused(str(exc)) from exc
    return dict(manifest)


def _extract_one(
    tar: tarfile.TarFile, name: str, meta: dict[str, Any], key: bytes, into: Path
) -> None:
    import hashlib

    if "/" in name or name.startswith("."):
        raise BundleRefused(f"不正なファイル名 / bad file name: {name}")
    sealed = _read_member(tar, f"data/{name}.enc")
    if hashlib.sha256(sealed).hexdigest() != meta["sealed_sha256"]:
        raise BundleRefused(
            f"ハッシュが一致しません（改ざん） / sha256 mismatch (tampered): {name}"
        )
    plain = crypto.decrypt_bytes(sealed, key)
    if hashlib.sha256(plain).hexdigest() != meta["sha256"]:
        raise BundleRefused(
            f"ハッシュが一致しません（改ざん） / sha256 mismatch (tampered): {name}"
        )
    (into / name).write_bytes(plain)


def import_bundle(
    path: Path, *, municipality: Any, staff: Any, key: bytes, public: Any
) -> BundleResult:
    """Verify the bundle, then import it into ``municipality`` (which must have the bundle's
    code and an empty register) through the migration importer, layout by layout."""
    from jichitai.importer.migration_files import import_files

    with tempfile.TemporaryDirectory(prefix="jichitai-bundle-") as tmp:
        manifest = open_bundle(Path(path), key=key, public=public, into=Path(tmp))
        code = manifest["municipality"]["code"]
        if code != municipality.code:
            raise BundleRefused(
                f"束は団体 {code} のものです（取込先 {municipality.code}） / "
                f"the bundle is municipality {code}'s, not {municipality.code}'s"
            )
        result = BundleResult(
            Path(path), code, files=manifest["files"], persons=int(manifest.get("persons", 0))
        )
        for layout in LAYOUTS:
            data = Path(tmp) / _file_name(layout, code)
            if not data.exists():
                continue
            run = import_files([data], layout=layout, municipality=municipality, staff=staff)
            if run.problems:
                first = run.problems[0]
                raise BundleRefused(
                    f"{layout}: {len(run.problems)}件の問題（{first.message_ja} / "
                    f"{first.message_en}）：取り込んでいません / not imported"
                )
            result.imported[layout] = run.as_json() if hasattr(run, "as_json") else {}
    return result
