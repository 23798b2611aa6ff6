# Passerelle's commands. `make test` is the README's test command: on a fresh Debian machine
# with Python ≥ 3.11 and pip it installs what is missing, then runs ruff, mypy and pytest.
# `make help` lists the targets.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
# The steps of `test` run in the order written, even under `make -j`.
.NOTPARALLEL:

PYTHON ?= python3
PORT ?= 5000
PYTEST_ARGS ?=
PG_HOST ?= 127.0.0.1
PG_PORT ?= 5432
PG_DATABASE ?= passerelle_test
PG_URL ?= postgresql+psycopg://postgres@$(PG_HOST):$(PG_PORT)/$(PG_DATABASE)
BENCH_OFFERS ?= 3000
BENCH_ROUNDS ?= 5
NATIONAL_OFFERS ?= 20000
NATIONAL_FOLDER ?= /tmp/passerelle-bench-national-$(NATIONAL_OFFERS)
NATIONAL_ROUNDS ?= 20
HTTP_SECONDS ?= 20
# The PostgreSQL reference of bench-national (empty: SQLite's only). Its own database.
BENCH_PG_URL ?= postgresql://postgres@$(PG_HOST):$(PG_PORT)/passerelle_bench

# Debian packages: as root directly, through sudo otherwise.
SUDO := $(shell if [ "$$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then echo sudo; fi)
APT_INSTALL = $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq

.PHONY: help install run lint format typecheck test pytest test-postgres setup chromium axe \
	redis postgres bench bench-national

help:
	@echo "make install        pip install -e '.[test]' (the app, pytest, ruff, mypy…)"
	@echo "make run            the service with the demo data on http://127.0.0.1:$(PORT)"
	@echo "make lint           ruff check and ruff format --check"
	@echo "make format         sort imports and format the tree with ruff"
	@echo "make typecheck      mypy app"
	@echo "make test           install what is missing, then lint, typecheck and pytest (SQLite)"
	@echo "make test-postgres  the suite against PostgreSQL ($(PG_HOST):$(PG_PORT)/$(PG_DATABASE))"
	@echo "make bench          the benchmarks that take a minute or two ($(BENCH_OFFERS) offers)"
	@echo "make bench-national the national-scale benchmark ($(NATIONAL_OFFERS) offers) and HTTP"
	@echo "                    (real figures: make bench-national NATIONAL_OFFERS=300000)"

install:
	$(PYTHON) -m pip install -q -e '.[test]'

run:
	$(PYTHON) -m app --port $(PORT)

lint:
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

format:
	$(PYTHON) -m ruff check --select I --fix .
	$(PYTHON) -m ruff format .

typecheck:
	$(PYTHON) -m mypy app

# The README's test command: set-up, then every check; the first failure stops it.
test: setup lint typecheck pytest

# PASSERELLE_REQUIRE_AXE: the accessibility tests fail, not skip, without axe-core. pytest's
# own exit codes pass through (5, no test collected, fails too).
pytest:
	PASSERELLE_REQUIRE_AXE=1 $(PYTHON) -m pytest $(PYTEST_ARGS)

test-postgres: setup postgres
	PASSERELLE_REQUIRE_AXE=1 TEST_DATABASE_URL="$(PG_URL)" $(PYTHON) -m pytest $(PYTEST_ARGS)

setup: chromium axe redis install

# Browser and accessibility tests drive Debian's Chromium (no browser download).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then $(APT_INSTALL) chromium; fi

# axe-core, pinned by package-lock.json, into the git-ignored node_modules/ (`npm ci` only when
# the installed version is not the locked one).
axe:
	@command -v npm >/dev/null 2>&1 || { $(APT_INSTALL) nodejs npm; }
	@locked=$$(node -p 'require("./package-lock.json").packages["node_modules/axe-core"].version'); \
	installed=$$(node -p 'require("./node_modules/axe-core/package.json").version' 2>/dev/null || true); \
	if [ "$$installed" != "$$locked" ]; then npm ci --no-audit --no-fund; fi

# Redis (127.0.0.1:6379) shares rate limits between workers; a test proves it.
redis:
	@if ! (command -v redis-cli >/dev/null 2>&1 && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1); then \
	  command -v redis-server >/dev/null 2>&1 || { $(APT_INSTALL) redis-server; }; \
	  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no; \
	fi

# PostgreSQL (trust auth): start the cluster if it is down, create the test database if needed.
postgres:
	@if command -v pg_ctlcluster >/dev/null 2>&1 && ! pg_isready -h $(PG_HOST) -p $(PG_PORT) -q; then \
	  pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql | head -n1)" main start || true; \
	fi
	@pg_isready -h $(PG_HOST) -p $(PG_PORT) -q || { \
	  echo "PostgreSQL is not reachable on $(PG_HOST):$(PG_PORT): cannot run the suite against it" >&2; \
	  exit 1; }
	@psql -h $(PG_HOST) -p $(PG_PORT) -U postgres -tAc \
	  "SELECT 1 FROM pg_database WHERE datname='$(PG_DATABASE)'" | grep -q 1 \
	  || psql -h $(PG_HOST) -p $(PG_PORT) -U postgres -c "CREATE DATABASE $(PG_DATABASE)"

# Figures only, no asserts (README « Performance »).
bench:
	$(PYTHON) bench/bench_estimator.py
	$(PYTHON) bench/bench_places.py --rounds $(BENCH_ROUNDS)
	$(PYTHON) bench/bench_search.py --offers $(BENCH_OFFERS) --rounds $(BENCH_ROUNDS)
	$(PYTHON) bench/bench_open_data.py --offers $(BENCH_OFFERS) --rounds $(BENCH_ROUNDS)

# Builds its database, index and references once in NATIONAL_FOLDER, then reuses them (README
# « Performance »: NATIONAL_OFFERS=300000 for the real figures).
bench-national:
	mkdir -p $(NATIONAL_FOLDER)
	$(PYTHON) bench/bench_national.py --offers $(NATIONAL_OFFERS) --folder $(NATIONAL_FOLDER) \
	  --reuse --rounds $(NATIONAL_ROUNDS) --postgres "$(BENCH_PG_URL)"
	$(PYTHON) bench/bench_http.py --folder $(NATIONAL_FOLDER) --seconds $(HTTP_SECONDS)
