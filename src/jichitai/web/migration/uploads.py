"""Uploaded migration files kept between the 検証 (dry run) and the 取込 of the same files.

Under DATA_DIR/migration/<団体コード>/<token>/: the files, the 外字対応表 and what was chosen. A
token is random and only found under the municipality of the request, so another municipality's
upload cannot be named. They hold personal data: removed after a run, and any older than a day
is removed whenever the screen is used.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

KEEP_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _base(code: str) -> Path:
    return Path(settings.DATA_DIR) / "migration" / code


@dataclass(frozen=True)
class Upload:
    token: str
    directory: Path
    layout: str
    encoding: str
    names: list[str]
    gaiji: str

    @property
    def paths(self) -> list[Path]:
        """Each file under its own name (problems and the 外字 worklist name it), one folder each."""
        return [self.directory / str(n) / name for n, name in enumerate(self.names)]

    @property
    def gaiji_path(self) -> Path | None:
        return self.directory / "gaiji.csv" if self.gaiji else None

    def remove(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


def _sweep(base: Path) -> None:
    if not base.is_dir():
        return
    for old in base.iterdir():
        if old.is_dir() and time.time() - old.stat().st_mtime > KEEP_SECONDS:
            shutil.rmtree(old, ignore_errors=True)


def _safe(name: str) -> str:
    """A file name as given, without any path and without characters a file system minds."""
    base = re.sub(r'[\x00-\x1f/\\:*?"<>|]', "_", Path(name or "").name).strip(" .")
    return base[:120] or "file.csv"


def save(code: str, files: list[Any], gaiji: Any, *, layout: str, encoding: str) -> Upload:
    base = _base(code)
    _sweep(base)
    token = secrets.token_urlsafe(24)
    directory = base / token
    directory.mkdir(parents=True, mode=0o700)
    names = [_safe(f.name) for f in files]
    for n, (f, name) in enumerate(zip(files, names, strict=True)):
        (directory / str(n)).mkdir(mode=0o700)
        with (directory / str(n) / name).open("wb") as out:
            for chunk in f.chunks():
                out.write(chunk)
    if gaiji is not None:
        with (directory / "gaiji.csv").open("wb") as out:
            for chunk in gaiji.chunks():
                out.write(chunk)
    meta = {
        "layout": layout,
        "encoding": encoding,
        "names": [Path(f.name).name for f in files],
        "gaiji": Path(gaiji.name).name if gaiji is not None else "",
    }
    (directory / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return load(code, token)  # type: ignore[return-value]


def load(code: str, token: str) -> Upload | None:
    """The upload ``token`` of municipality ``code``; None when there is none (or it expired)."""
    if not _TOKEN.match(token):
        return None
    directory = _base(code) / token
    try:
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Upload(
        token, directory, meta["layout"], meta["encoding"], list(meta["names"]), meta["gaiji"]
    )
