"""Which database the `jichitai` commands use (issue 8): after `make demo` they find the demo in
./var/demo, they say which database they use, and without one they stop with exit code 2 and a
message naming the path — never a `no such table` traceback, never an empty database left behind.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

from jichitai import demo

from .conftest import DB_FILE, BuiltDemo, clean_env, run_in, tree

VILLAGE = demo.MUNICIPALITIES[0].code
TOWN = demo.MUNICIPALITIES[1].code


def _export_rows(stdout: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(stdout)))


def test_audit_verify_after_make_demo_uses_the_demo_database(demo_cwd: Path) -> None:
    done = run_in(demo_cwd, "audit", "verify")
    assert done.returncode == 0, done.stderr
    assert "Audit log intact" in done.stdout and "監査ログは改ざんされていません" in done.stdout
    assert "Traceback" not in done.stderr
    used = [line for line in done.stderr.splitlines() if "database" in line]
    assert len(used) == 1 and str(demo_cwd / "var" / "demo" / DB_FILE) in used[0]
    assert not (demo_cwd / "var" / DB_FILE).exists()


def test_registry_export_after_make_demo_uses_the_demo_database(demo_cwd: Path) -> None:
    done = run_in(demo_cwd, "registry", "export", "--municipality", TOWN)
    assert done.returncode == 0, done.stderr
    rows = _export_rows(done.stdout)
    assert rows[0][:4] == ["宛名番号", "世帯番号", "氏", "名"]
    assert len(rows) == 1 + 5  # --sizes 5,5,5: the town's five synthetic residents
    assert str(demo_cwd / "var" / "demo" / DB_FILE) in done.stderr
    assert not (demo_cwd / "var" / DB_FILE).exists()


def test_an_empty_database_left_in_var_by_the_old_bug_does_not_hide_the_demo(demo_cwd: Path) -> None:
    (demo_cwd / "var" / DB_FILE).touch()  # what the earlier `audit verify` crash left behind
    done = run_in(demo_cwd, "audit", "verify")
    assert done.returncode == 0, done.stderr
    assert str(demo_cwd / "var" / "demo" / DB_FILE) in done.stderr


def test_a_migrated_database_in_var_is_preferred_to_the_demo(demo_cwd: Path, built_demo: BuiltDemo) -> None:
    import shutil

    shutil.copy(built_demo.data_dir / DB_FILE, demo_cwd / "var" / DB_FILE)
    done = run_in(demo_cwd, "registry", "export", "--municipality", VILLAGE)
    assert done.returncode == 0, done.stderr
    assert f"SQLite {demo_cwd / 'var' / DB_FILE}（" in done.stderr


def test_without_a_database_both_commands_exit_2_naming_the_path_and_create_nothing(
    empty_cwd: Path,
) -> None:
    expected = str(empty_cwd / "var" / DB_FILE)
    for args in (("audit", "verify"), ("registry", "export", "--municipality", TOWN),
                 ("audit", "anchor")):
        done = run_in(empty_cwd, *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "データベースがありません" in done.stderr and "no database" in done.stderr
        assert expected in done.stderr
        assert "Traceback" not in done.stderr and done.stdout == ""
        assert tree(empty_cwd) == [], args  # no empty database file, no ./var folder


def test_jichitai_data_dir_pointing_nowhere_exits_2_and_creates_nothing(empty_cwd: Path) -> None:
    nowhere = empty_cwd / "nowhere"
    done = run_in(empty_cwd, "audit", "verify", env=clean_env(JICHITAI_DATA_DIR=str(nowhere)))
    assert done.returncode == 2
    assert str(nowhere / DB_FILE) in done.stderr and "JICHITAI_DATA_DIR" in done.stderr
    assert not nowhere.exists()


def test_a_database_without_tables_is_a_clear_message_not_a_traceback(empty_cwd: Path) -> None:
    db = empty_cwd / "var" / DB_FILE
    db.parent.mkdir()
    sqlite3.connect(db).close()  # an empty database: no tables
    for args in (("audit", "verify"), ("registry", "export", "--municipality", TOWN)):
        done = run_in(empty_cwd, *args)
        assert done.returncode == 2, (args, done.stderr)
        assert "Traceback" not in done.stderr and "no such table" not in done.stderr
        assert "未移行" in done.stderr and "not migrated" in done.stderr and str(db) in done.stderr
        assert "jichitai manage migrate" in done.stderr
    # the register's database and its 除票用データベース ([1300], attached beside it), nothing else
    archive = DB_FILE.replace(".sqlite3", "-jyohyo.sqlite3")
    assert tree(empty_cwd) in (["var", f"var/{DB_FILE}"], ["var", f"var/{archive}", f"var/{DB_FILE}"])


def test_data_dir_option_on_audit_and_registry(empty_cwd: Path, built_demo: BuiltDemo) -> None:
    data = str(built_demo.data_dir)
    verify = run_in(empty_cwd, "audit", "verify", "--data-dir", data, "--json")
    assert verify.returncode == 0, verify.stderr
    assert '"ok": true' in verify.stdout
    assert f"SQLite {built_demo.data_dir / DB_FILE}" in verify.stderr and "--data-dir" in verify.stderr

    out = empty_cwd / "village.csv"
    export = run_in(empty_cwd, "registry", "export", "--municipality", VILLAGE, "--data-dir", data,
                    "--out", str(out))
    assert export.returncode == 0, export.stderr
    assert len(_export_rows(out.read_text(encoding="utf-8"))) == 1 + 5
    assert tree(empty_cwd) == ["village.csv"]  # nothing else: no ./var


def test_data_dir_option_wins_over_the_environment(empty_cwd: Path, built_demo: BuiltDemo) -> None:
    env = clean_env(JICHITAI_DATA_DIR=str(empty_cwd / "elsewhere"))
    done = run_in(empty_cwd, "audit", "verify", "--data-dir", str(built_demo.data_dir), env=env)
    assert done.returncode == 0, done.stderr
    assert not (empty_cwd / "elsewhere").exists()


def test_data_dir_option_naming_a_missing_folder_exits_2_and_creates_nothing(empty_cwd: Path) -> None:
    missing = empty_cwd / "typo"
    done = run_in(empty_cwd, "registry", "export", "--municipality", TOWN, "--data-dir", str(missing))
    assert done.returncode == 2
    assert str(missing / DB_FILE) in done.stderr
    assert tree(empty_cwd) == []


def test_manage_uses_the_same_choice_and_names_it(demo_cwd: Path) -> None:
    done = run_in(demo_cwd, "manage", "showmigrations", "registry")
    assert done.returncode == 0, done.stderr
    assert "[X] 0001_initial" in done.stdout  # the demo's migrated database, not a new one
    assert str(demo_cwd / "var" / "demo" / DB_FILE) in done.stderr
    assert not (demo_cwd / "var" / DB_FILE).exists()


def test_data_dir_option_is_refused_with_postgres(empty_cwd: Path) -> None:
    env = clean_env(JICHITAI_DB="postgres")
    done = run_in(empty_cwd, "audit", "verify", "--data-dir", str(empty_cwd), env=env)
    assert done.returncode == 2
    assert "JICHITAI_DB=postgres" in done.stderr and "Traceback" not in done.stderr
    assert tree(empty_cwd) == []
