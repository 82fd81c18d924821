# aidvet: `make run` (set up + a vetting run on the embedded default) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Everything project-local: Airflow's home and metadata DB, the vetting store, artifacts.
export AIDVET_HOME := $(CURDIR)
export AIRFLOW_HOME := $(CURDIR)/var/airflow
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__PLUGINS_FOLDER := $(CURDIR)/plugins
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export AIRFLOW__CORE__UNIT_TEST_MODE := False
export AIRFLOW__API__EXPOSE_CONFIG := False
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS := admin:admin,reviewer:user,approver:op,auditor:viewer
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE := $(CURDIR)/var/airflow/passwords.json
export GX_ANALYTICS_ENABLED := False
export PATH := $(BIN):$(PATH)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
LOGICAL_DATE ?= $(shell date -u +%Y-%m-%d)

.PHONY: help setup icu bytecode run test bench eval clean airflow-db store sample lists-sample print-env bench-1m bench-e2e browser

help:
	@echo "make run    set up (venv, pinned requirements, databases, sample data) and run vet_disbursements"
	@echo "make test   set up and run the test suite (SQLite and PostgreSQL)"
	@echo "make bench  screening benchmark     make eval   screening evaluation"
	@echo "make bench-e2e  ingest -> publish on PostgreSQL for 10k, 100k and 1M generated disbursements"

# Installed with compiled bytecode (PYTHONDONTWRITEBYTECODE=1 on these machines would otherwise
# recompile every module at every start). uv compiles what it installs; compileall also covers
# packages a .venv got before (a no-op otherwise).
$(STAMP): requirements.txt pyproject.toml | icu
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.txt
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m compileall -q -j 0 $$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])') > /dev/null
	touch $@

# Bytecode of the project's own sources (an editable install is not compiled by uv, and
# PYTHONDONTWRITEBYTECODE=1 keeps imports from writing it): fast start-up of every command.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q -j 0 include dags plugins

setup: $(STAMP) bytecode airflow-db store

airflow-db: $(STAMP)
	mkdir -p $(AIRFLOW_HOME)
	$(BIN)/airflow db migrate > $(AIRFLOW_HOME)/db-migrate.log 2>&1 || (tail -50 $(AIRFLOW_HOME)/db-migrate.log; exit 1)

store: $(STAMP)
	$(BIN)/aidvet db upgrade

sample: $(STAMP)
	$(BIN)/aidvet sample generate

lists-sample: sample store
	$(BIN)/aidvet lists load var/sample/lists/sample-sdn

run: setup lists-sample
	$(BIN)/airflow dags test vet_disbursements $(LOGICAL_DATE) > var/last-dag-test.log 2>&1 \
		|| (tail -80 var/last-dag-test.log; exit 1)
	@echo "Airflow log of this run: var/last-dag-test.log"
	$(BIN)/aidvet run summary

# Debian's ICU headers and a C++ compiler: rigour's PyICU (a pinned requirement) builds against them.
icu:
	(pkg-config --exists icu-uc && command -v g++) > /dev/null 2>&1 || ($(SUDO) apt-get update -qq \
		&& DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libicu-dev pkg-config g++)

# Debian's chromium for the browser test (tests/e2e); Playwright drives it, never downloads one.
browser:
	test -x /usr/bin/chromium || ($(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium)

test: setup browser
	bash .ci/start-services
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_screening.py $(BENCH_ARGS)

bench-1m: $(STAMP)
	$(BIN)/python benchmarks/bench_screening.py --million $(BENCH_ARGS)

# End to end on PostgreSQL; generated portfolios are cached in var/bench/. BENCH_E2E_ARGS="--sizes 10000 100000"
bench-e2e: $(STAMP)
	bash .ci/start-services
	$(BIN)/python benchmarks/bench_e2e.py $(BENCH_E2E_ARGS)

eval: $(STAMP)
	$(BIN)/python -m aidvet.screening.evaluation $(EVAL_ARGS)

clean:
	rm -rf var artifacts

# The environment this Makefile gives Airflow and aidvet, for a shell: set -a; eval "$(make -s print-env)"
print-env:
	@for v in AIDVET_HOME AIRFLOW_HOME AIRFLOW__CORE__DAGS_FOLDER AIRFLOW__CORE__PLUGINS_FOLDER AIRFLOW__CORE__LOAD_EXAMPLES \
		AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE GX_ANALYTICS_ENABLED PATH; do \
		printf '%s=%q\n' "$$v" "$${!v}"; done
