# importorders: `make run` serves the app on the embedded default; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
HOST ?= 127.0.0.1
PORT ?= 8000
# Two processes on two cores; PYTEST_ARGS adds or overrides (e.g. PYTEST_ARGS="-n 0 -k quote").
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=

.PHONY: help install run test lint format check schema messages chromium bench clean

help:
	@echo "make run      serve http://$(HOST):$(PORT) on SQLite with in-process tasks and demo data"
	@echo "make test     run the whole suite (DATABASE_URL / REDIS_URL switch to PostgreSQL / Redis)"
	@echo "make lint     ruff, Django's checks and makemigrations --check"
	@echo "make schema   regenerate docs/openapi.yaml after an API change"
	@echo "make bench    run the benchmarks in bench/"

# The virtualenv is rebuilt from the lock file whenever pyproject.toml or uv.lock changes.
$(BIN)/.synced: pyproject.toml uv.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "importorders needs Python 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --frozen --quiet
	touch $@

install: $(BIN)/.synced

var:
	mkdir -p var

run: install var
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install var
	$(BIN)/pytest -n $(PYTEST_WORKERS) --create-db $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: lint test

schema: install
	$(BIN)/python manage.py spectacular --lang en --file docs/openapi.yaml --validate --fail-on-warn

messages: install
	$(BIN)/python manage.py makemessages -l ja -l en --ignore '.venv' --ignore 'var' --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore '.venv'

# Browser tests drive Debian's chromium (Playwright's own browser download is not available).
chromium:
	@command -v /usr/bin/chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; \
	  else echo "Browser tests need chromium: sudo apt-get install chromium fonts-noto-cjk"; fi; }

# Catalog and identity reads, the orders API (reads and moves), then the orders at volume (10k, 1M).
# Every script runs even if an earlier one missed a target; the target fails if any did.
BENCH_SCRIPTS ?= run orders volume
bench: install
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk; }
	@status=0; for script in $(BENCH_SCRIPTS); do \
	  echo "== bench/$$script.py"; $(BIN)/python bench/$$script.py || status=1; \
	done; exit $$status

clean:
	rm -rf $(VENV) var/*.sqlite3* var/static var/test-media
