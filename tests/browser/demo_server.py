"""Browser-test plumbing: Debian's chromium and the demo server as a subprocess."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LOGIN_ROW = re.compile(r"^\s+(\S+)\s+(\S+)\s+([A-Z2-7]{32})\s+(.+)$")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def jichitai_exe() -> str:
    exe = ROOT / ".venv" / "bin" / "jichitai"
    return str(exe) if exe.exists() else str(Path(sys.executable).with_name("jichitai"))


def totp(secret_b32: str, at: float | None = None) -> str:
    """RFC 6238, as the staff member's authenticator app computes it from the printed secret."""
    import base64
    import hashlib
    import hmac
    import struct

    key = base64.b32decode(secret_b32)
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def chromium_or_fail() -> str:
    """The chromium binary; under CI a missing browser fails the test instead of skipping it."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed")
    return CHROMIUM


@contextmanager
def running_demo(
    tmp_path: Path, *extra: str, deadline_s: float = 120,
    before_yield: Callable[[Path, dict[str, str]], None] | None = None,
) -> Iterator[tuple[str, str]]:
    """``jichitai demo`` in a temporary data folder; yields (url, printed output)."""
    port = free_port()
    data = tmp_path / "data"
    log = tmp_path / "demo.log"
    env = {k: v for k, v in os.environ.items() if k not in {"JICHITAI_DB", "JICHITAI_DATA_DIR"}}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [jichitai_exe(), "demo", "--data-dir", str(data), "--port", str(port), *extra],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp_path,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + deadline_s  # the demo loads its residents first
        while True:
            try:
                with urllib.request.urlopen(url + "accounts/login/", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("demo did not start:\n" + log.read_text(encoding="utf-8"))
            time.sleep(0.2)
        if before_yield is not None:
            before_yield(data, env)
        yield url, log.read_text(encoding="utf-8")
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
