# Bistånd: `make run` serves the app on http://127.0.0.1:8000, `make test` runs every check.
# Needs GNU make and python3 (3.11+). Everything else is installed into .venv from PyPI.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help install system-deps run test lint format clean

help:
	@echo "make run     install, migrate, load demo data, serve on http://127.0.0.1:8000"
	@echo "make test    install, ruff, then pytest on SQLite and (if reachable) PostgreSQL"
	@echo "make lint    ruff check and ruff format --check"
	@echo "make format  ruff format and ruff check --fix"
	@echo "make clean   remove .venv and var/"

install: system-deps $(STAMP)

# Debian packages the project needs outside Python (WeasyPrint's libraries, Chromium for the
# browser tests): checked every time, installed with apt-get when missing and run as root.
system-deps:
	scripts/system-deps.sh

# Reinstalls only when pyproject.toml changes (or .venv is gone).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --quiet -e '.[dev]'
	touch $@

run: install
	scripts/run.sh

test: install lint
	scripts/test.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var
