"""Per-municipality bundles: exported from one installation, verified and imported into an empty
one (a separate SQLite installation, in its own processes) with identical as-of views; a
tampered, re-signed or misdirected bundle is refused and writes nothing."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest

from jichitai.continuity import crypto
from jichitai.continuity.bundle import BundleRefused, export_bundle, import_bundle, open_bundle
from jichitai.tenancy.context import activate
from tests.importer.conftest import migration_admin

pytestmark = pytest.mark.django_db
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, Any]:
    return {
        "key": crypto.load_key(tmp_path / "bundle.key", create=True),
        "signer": crypto.signing_key(tmp_path / "site-a.pem", create=True),
        "public": crypto.verify_key(tmp_path / "site-a.pem.pub"),
    }


def _register(office: Any) -> Any:
    """Synthetic households (valid 住民票コード), a share of them with a 転居 in their history."""
    from jichitai.importer import load_via_events

    load_via_events(
        office.municipality,
        24,
        seed=3,
        clerk=office.clerk,
        approver=office.approver,
        history_share=0.5,
    )
    return migration_admin(office)


def _bundle(office: Any, admin: Any, keys: dict[str, Any], out: Path) -> Path:
    export_bundle(
        out, municipality=office.municipality, staff=admin, key=keys["key"], signer=keys["signer"]
    )
    return out


def _rewrite(src: Path, dst: Path, change: Any) -> None:
    """Copy the tar ``src`` to ``dst`` with ``change(name, data) -> data`` applied per member."""
    with tarfile.open(src) as tin, tarfile.open(dst, "w") as tout:
        for m in tin.getmembers():
            data = change(m.name, tin.extractfile(m).read())  # type: ignore[union-attr]
            info = tarfile.TarInfo(m.name)
            info.size = len(data)
            tout.addfile(info, io.BytesIO(data))


def _persons(office: Any) -> int:
    from jichitai.registry.models import Person

    with activate(office.ctx()):
        return Person.objects.without_read_log("test").count()


def test_a_tampered_or_foreign_bundle_is_refused_and_writes_nothing(
    office: Any, office_b: Any, keys: dict[str, Any], tmp_path: Path
) -> None:
    from jichitai.registry.models import MigrationRun

    bundle = _bundle(office, _register(office), keys, tmp_path / "a.bundle")
    admin_b = migration_admin(office_b)

    def flip(name: str, data: bytes) -> bytes:
        return data[:-5] + bytes([data[-5] ^ 1]) + data[-4:] if name.startswith("data/") else data

    def edit_manifest(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        m = json.loads(data)
        m["persons"] += 1
        return json.dumps(m).encode()

    _rewrite(bundle, tmp_path / "flipped.bundle", flip)
    _rewrite(bundle, tmp_path / "edited.bundle", edit_manifest)
    with activate(office_b.ctx()):
        runs = MigrationRun.objects.count()
    cases = {"flipped.bundle": "sha256 mismatch", "edited.bundle": "bad signature"}
    for name, why in cases.items():
        with pytest.raises(BundleRefused, match=why):
            import_bundle(
                tmp_path / name,
                municipality=office_b.municipality,
                staff=admin_b,
                key=keys["key"],
                public=keys["public"],
            )
    other = crypto.signing_key(tmp_path / "intruder.pem", create=True)
    forged = _bundle(
        office,
        migration_admin(office, "admin2"),
        {**keys, "signer": other},
        tmp_path / "forged.bundle",
    )
    with pytest.raises(BundleRefused, match="bad signature"):
        import_bundle(
            forged,
            municipality=office_b.municipality,
            staff=admin_b,
            key=keys["key"],
            public=keys["public"],
        )
    with pytest.raises(BundleRefused, match="cannot decrypt"):
        open_bundle(
            bundle,
            key=crypto.load_key(tmp_path / "wrong.key", create=True),
            public=keys["public"],
            into=tmp_path,
        )
    # A's genuine bundle into B: refused, B's register stays empty
    with pytest.raises(BundleRefused, match="999016"):
        import_bundle(
            bundle,
            municipality=office_b.municipality,
            staff=admin_b,
            key=keys["key"],
            public=keys["public"],
        )
    assert _persons(office_b) == 0
    with activate(office_b.ctx()):
        assert MigrationRun.objects.count() == runs


def test_only_the_municipalitys_own_administrator_exports_it(
    office: Any, office_b: Any, keys: dict[str, Any], tmp_path: Path
) -> None:
    from jichitai.accounts.capabilities import CapabilityMissing

    _register(office)
    for staff in (office.clerk, office.approver, migration_admin(office_b)):
        with pytest.raises(CapabilityMissing):
            _bundle(office, staff, keys, tmp_path / "x.bundle")
    assert not (tmp_path / "x.bundle").exists()


_TARGET = """
import sys
from jichitai.cli._django import setup
setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from jichitai.accounts.models import RoleGrant, Staff
from jichitai.tenancy.models import Consortium, Municipality
c = Consortium.objects.create(code="partner", name="受入協議会")
m = Municipality.objects.create(consortium=c, code=sys.argv[1], name="甲村", kana="コウムラ",
                                prefecture="テスト県", population_class="village")
s = Staff.objects.create(username="admin", display_name="受入 管理者")
RoleGrant.objects.create(staff=s, municipality=m, role="municipality_admin")
a = Staff.objects.create(username="approver", display_name="受入 決裁者")
RoleGrant.objects.create(staff=a, municipality=m, role="approver")
"""


def _in_target(data_dir: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "JICHITAI_DB": "sqlite",
        "JICHITAI_DATA_DIR": str(data_dir),
        "PYTHONPATH": str(SRC),
    }
    return subprocess.run(
        [sys.executable, *argv], env=env, capture_output=True, text=True, timeout=600, check=False
    )


def test_a_bundle_restores_into_an_empty_installation_with_identical_as_of_views(
    office: Any, keys: dict[str, Any], tmp_path: Path
) -> None:
    bundle = _bundle(office, _register(office), keys, tmp_path / "a.bundle")
    source = tmp_path / "source"
    source.mkdir()
    open_bundle(bundle, key=keys["key"], public=keys["public"], into=source)
    target = tmp_path / "target"
    target.mkdir()
    code = office.municipality.code
    made = _in_target(target, "-c", _TARGET, code)
    assert made.returncode == 0, made.stderr
    cli = ["-c", "import sys; from jichitai.cli import main; sys.exit(main(sys.argv[1:]))"]
    done = _in_target(
        target,
        *cli,
        "continuity",
        "import-bundle",
        str(bundle),
        "--municipality",
        code,
        "--staff",
        "admin",
        "--key-file",
        str(tmp_path / "bundle.key"),
        "--verify-key",
        str(tmp_path / "site-a.pem.pub"),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "verified" in done.stdout
    again = tmp_path / "again"
    out = _in_target(
        target,
        *cli,
        "export",
        "--layout",
        "kihon-1.0-jumin",
        "--municipality",
        code,
        "--staff",
        "admin",
        "--include-restricted",
        str(again),
    )
    assert out.returncode == 0, out.stderr
    name = f"kihon-1.0-jumin-{code}.csv"
    # the file carries every person's whole history: the same file means every as-of view agrees
    assert (again / name).read_text(encoding="utf-8") == (source / name).read_text(encoding="utf-8")
    # the restored installation goes on: it bundles the municipality again (signed with its own
    # key) and prints an emergency extract for its shelters
    again_bundle = _in_target(
        target, *cli, "continuity", "export-bundle", "--municipality", code, "--staff", "admin",
        "--out", str(tmp_path / "b.bundle"), "--key-file", str(tmp_path / "bundle.key"),
        "--signing-key", str(tmp_path / "site-b.pem"),
    )  # fmt: skip
    assert again_bundle.returncode == 0, again_bundle.stderr
    assert "wrote the bundle" in again_bundle.stdout and (tmp_path / "site-b.pem.pub").exists()
    with pytest.raises(BundleRefused, match="bad signature"):  # not site A's key
        open_bundle(
            tmp_path / "b.bundle", key=keys["key"], public=keys["public"], into=tmp_path / "source"
        )
    extract = _in_target(
        target, *cli, "continuity", "extract", "--municipality", code, "--staff", "approver",
        "--out-dir", str(tmp_path / "shelter"), "--key-file", str(tmp_path / "bundle.key"),
    )  # fmt: skip
    assert extract.returncode == 0, extract.stderr
    assert "emergency extract" in extract.stdout and "sha256=" in extract.stdout
    refused = _in_target(
        target, *cli, "continuity", "extract", "--municipality", code, "--staff", "admin",
        "--out-dir", str(tmp_path / "nope"), "--key-file", str(tmp_path / "bundle.key"),
    )  # fmt: skip
    assert refused.returncode == 2 and "not allowed" in refused.stderr
