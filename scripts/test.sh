#!/usr/bin/env bash
# The whole test suite, twice: on SQLite (embedded default) and on a throwaway PostgreSQL 15
# server on 127.0.0.1 (RLS, concurrency). Extra arguments go to both pytest runs.
# Exit status is non-zero if either run fails; "no tests collected" (pytest exit 5) is a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
PYTEST=".venv/bin/python -m pytest"
tmp=$(mktemp -d /tmp/jichitai-test.XXXXXX)
cleanup() { scripts/pg_throwaway.sh stop "$tmp/pg" || true; rm -rf "$tmp"; }
trap cleanup EXIT

echo "=== [1/2] SQLite ==="
JICHITAI_DATA_DIR="$tmp/sqlite" $PYTEST -p no:cacheprovider "$@" | tee "$tmp/sqlite.out"
rc_sqlite=${PIPESTATUS[0]}

echo "=== [2/2] PostgreSQL 15 (throwaway server, non-superuser role, RLS enforced) ==="
if exports=$(scripts/pg_throwaway.sh start "$tmp/pg"); then
  eval "$exports"
  # Browser tests drive the demo server, which is SQLite by design; they ran in the first pass.
  JICHITAI_DATA_DIR="$tmp/pgdata" $PYTEST -p no:cacheprovider -m "not browser" "$@" | tee "$tmp/pg.out"
  rc_pg=${PIPESTATUS[0]}
else
  echo "PostgreSQL could not be started" >&2
  rc_pg=1
fi

summary() { grep -E "^=+ .*(passed|failed|error|no tests ran).* in " "$1" | tail -1 | sed 's/=//g'; }
echo
echo "=== summary ==="
echo "SQLite:     $(summary "$tmp/sqlite.out") (exit $rc_sqlite)"
echo "PostgreSQL: $(summary "$tmp/pg.out" 2>/dev/null) (exit $rc_pg)"
[ "$rc_sqlite" = 0 ] && [ "$rc_pg" = 0 ]
