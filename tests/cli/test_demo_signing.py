"""The demo signs its certificates: `jichitai demo` leaves a consortium CA and one signing key per
municipality in its data directory (docs/certificates.md "Signing")."""

from __future__ import annotations

from jichitai.certificates.signing import key_paths

from .conftest import BuiltDemo


def test_the_demo_has_a_signing_key_for_every_municipality(built_demo: BuiltDemo) -> None:
    from jichitai.demo import MUNICIPALITIES

    for m in MUNICIPALITIES:
        paths = key_paths(built_demo.data_dir, m.code)
        assert paths.key.is_file() and paths.cert.is_file() and paths.ca_cert.is_file(), m.code
        assert paths.key.stat().st_mode & 0o077 == 0  # the private key is readable by its owner only
