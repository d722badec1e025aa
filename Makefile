# dichvucong — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test sweep install install-dev system browser setup demo messages check lint format migrations-check clean help bench schema screenshots

help:
	@echo "make run   — set up and serve the portal with demo data (embedded mode: SQLite, no services)"
	@echo "make test  — install what the tests need and run the whole suite"
	@echo "make sweep — the tests that depend on the clock, at every instant of tests/clock.py"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when the project's dependencies change.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

system:
	@bash scripts/system-packages.sh

# Debian's Chromium for the browser tests (tests/browser), installed when missing.
browser:
	@bash scripts/browser.sh

messages: system | $(PY)
	$(PY) manage.py compilemessages --ignore=$(VENV) -v0

setup: install messages
	$(PY) manage.py migrate --no-input -v1
	$(PY) manage.py createcachetable
	$(PY) manage.py load_demo --if-empty

run: setup
	@echo
	@echo "  Cổng dịch vụ công: http://$(HOST):$(PORT)/   (Ctrl+C to stop)"
	@echo
	$(PY) manage.py runserver --noreload $(HOST):$(PORT)

demo: install messages
	$(PY) manage.py load_demo

test: install-dev messages browser
	$(PY) -m pytest $(PYTEST_ARGS)

# The clock sweep (decision 0008): the tests marked `clock` at every instant of tests/clock.py,
# on the configured database. `DVC_TEST_NOW=2026-02-13T16:59 make test` runs all at one instant.
sweep: install-dev messages
	PYTHON=$(PY) bash scripts/clock-sweep.sh $(PYTEST_ARGS)

# The README's screenshots (docs/screenshots/), taken by the browser tests' set-up on the demo.
screenshots: install-dev messages browser
	DVC_SCREENSHOTS_DIR=docs/screenshots $(PY) -m pytest tests/browser/test_screenshots.py

lint: install-dev
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

format: install-dev
	$(BIN)/ruff check --fix src tests
	$(BIN)/ruff format src tests

migrations-check: install-dev
	$(PY) manage.py makemigrations --check --dry-run

check: lint migrations-check
	$(PY) manage.py check

# The committed OpenAPI schema (tests/api fails when it drifts from the code).
schema: install
	$(PY) manage.py spectacular --lang vi --validate --fail-on-warn --file docs/api/openapi.yaml

# Load benchmark against a separate PostgreSQL database; writes bench/REPORT.md. Never part of
# `make test`. Needs PostgreSQL and Redis on 127.0.0.1; installs wrk when missing (root).
BENCH_ARGS ?=
bench: install messages
	bash bench/run.sh $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/static
