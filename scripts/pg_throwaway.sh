#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL 15 server on 127.0.0.1 for tests and benchmarks.
#   scripts/pg_throwaway.sh start DIR   -> prints shell exports (PGHOST, PGPORT, ...) on stdout
#   scripts/pg_throwaway.sh stop DIR
# As root the server runs as the `postgres` system user (PostgreSQL refuses to run as root).
# Two roles, as in production (docs/operations.md): `jichitai_owner` owns the database and runs
# migrations; `jichitai` is the runtime role the application connects as (owns nothing, no
# TRUNCATE, no DDL). Neither is a superuser or has BYPASSRLS, so row-level security applies.
# The owner may SET ROLE jichitai (the test suite migrates as the owner, then runs as `jichitai`);
# the runtime role can never become the owner.
# PG_DURABLE=1: production durability (fsync, synchronous_commit, full_page_writes on), for
# benchmarks; otherwise they are off (a throwaway server for tests).
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?directory}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
as_pg() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}
case "$cmd" in
start)
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; chmod o+x "$(dirname "$dir")"; fi
  port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  as_pg "$PGBIN/initdb -D '$dir/data' -A trust -U postgres --encoding=UTF8 --locale=C.UTF-8 >'$dir/initdb.log' 2>&1" \
    || as_pg "$PGBIN/initdb -D '$dir/data' -A trust -U postgres --encoding=UTF8 --no-locale >'$dir/initdb.log' 2>&1"
  durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${PG_DURABLE:-0}" = 1 ] && durability=""
  as_pg "$PGBIN/pg_ctl -D '$dir/data' -w -t 60 -l '$dir/server.log' -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 $durability -c max_connections=200\" start" >/dev/null
  psql -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE jichitai_owner LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS PASSWORD 'jichitai_owner'" \
    -c "CREATE ROLE jichitai LOGIN NOCREATEDB NOSUPERUSER NOBYPASSRLS PASSWORD 'jichitai'" \
    -c "GRANT jichitai TO jichitai_owner" \
    -c "CREATE DATABASE jichitai OWNER jichitai_owner" >/dev/null
  echo "$port" > "$dir/port"
  cat <<EOV
export JICHITAI_DB=postgres PGHOST=127.0.0.1 PGPORT=$port PGUSER=jichitai PGPASSWORD=jichitai PGDATABASE=jichitai JICHITAI_DB_OWNER_USER=jichitai_owner JICHITAI_DB_OWNER_PASSWORD=jichitai_owner
EOV
  ;;
stop)
  if [ -d "$dir/data" ]; then
    as_pg "$PGBIN/pg_ctl -D '$dir/data' -m fast -w stop" >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2;;
esac
