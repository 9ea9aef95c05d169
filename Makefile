# The README's two commands: `make demo` and `make test`. Both set everything up on a fresh
# Debian machine with Python 3.11; the project's environment lives in .venv.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: demo test conformance venv lint typecheck bench-generator bench-moji bench-registry bench-load bench-statistics bench-removed-archive bench-certificates bench-migration bench-continuity clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: venv
	scripts/system_deps.sh demo
	$(VENV)/bin/jichitai demo $(DEMO_ARGS)

test: venv
	scripts/system_deps.sh test
	scripts/test.sh $(PYTEST_ARGS)

conformance: venv
	$(VENV)/bin/python -m jichitai.conformance $(CONFORMANCE_ARGS)

lint: venv
	$(VENV)/bin/ruff check src tests bench

typecheck: venv
	$(VENV)/bin/mypy src/jichitai/moji src/jichitai/synthetic src/jichitai/wareki src/jichitai/layouts src/jichitai/tenancy/context.py src/jichitai/codes.py

bench-generator: venv
	$(VENV)/bin/python bench/generator/run.py

bench-moji: venv
	$(VENV)/bin/python bench/moji/run.py

# Starts its own throwaway PostgreSQL 15 and loads 1,000,000 residents (several minutes).
bench-registry: venv
	scripts/system_deps.sh test
	$(VENV)/bin/python bench/registry/run.py $(BENCH_ARGS)

# The web application under 1,000 counter clerks and 20 approvers (Locust) on a durable throwaway
# PostgreSQL with a 280,000-resident 市 (about 20 minutes). BENCH_ARGS="--users 50 --run-time 60s
# --residents 20000" for a smoke run.
bench-load: venv
	scripts/system_deps.sh test
	$(VENV)/bin/python bench/load/run.py $(BENCH_ARGS)

# The yearly statistics ([1080] 年報・入管定期報告) of a 280,000-resident 市 on its own durable
# throwaway PostgreSQL, with psql's GROUP BY beside it (load about 3 minutes, then seconds).
bench-statistics: venv
	scripts/system_deps.sh test
	$(VENV)/bin/python bench/statistics/run.py $(BENCH_ARGS)

# 9.3 除票用データベースへの移行 for a 280,000-resident 市's 除票 on a durable throwaway PostgreSQL
# (rows/s, beside a raw INSERT … SELECT of the same rows). BENCH_ARGS="--removed 20000" for a smoke run.
bench-removed-archive: venv
	scripts/system_deps.sh test
	$(VENV)/bin/python bench/removed_archive/run.py $(BENCH_ARGS)

clean:
	rm -rf var .pytest_cache bench/results/*.tmp

# Signed 住民票の写し per second, one worker per core, p50/p95 (issue 12), on a durable throwaway
# PostgreSQL, beside WeasyPrint + pyHanko alone. BENCH_ARGS="--residents 2000 --per-worker 10" to try.
bench-certificates: venv
	scripts/system_deps.sh test
	$(VENV)/bin/python bench/certificates/run.py $(BENCH_ARGS)

bench-migration: venv
	scripts/system_deps.sh test
	$(VENV)/bin/python bench/migration/run.py $(BENCH_ARGS)

# The failover drill, 5 times (issue 14): three etcd members and two Patroni-managed PostgreSQL 15
# nodes on 127.0.0.1, the leader killed with SIGKILL while workers write 異動; RPO and RTO (max,
# median), then the backup/restore timing of a 280,000-resident 市 (about 20 minutes with it).
# BENCH_ARGS="--skip-backup" for the drills alone (about 5 minutes), "--drills N", "--residents N".
bench-continuity: venv
	scripts/system_deps.sh test
	$(VENV)/bin/python bench/continuity/run.py $(BENCH_ARGS)
