# Improvement Office: build, run and test.
#
#   make install    Python venv (.venv) + front-end assets; fast when nothing changed
#   make demo       install, load the three example programmes, run on 127.0.0.1:PORT
#   make browsers   Debian's Chromium, for the browser tests
#   make doclibs    Debian's Pango, HarfBuzz and Cairo, for the PDF and chart renderers
#   make java       Debian's Java runtime, for reading and checking MS Project files (MPXJ)
#   make test       the whole pytest suite on SQLite, then on a throwaway PostgreSQL
#   make lint       ruff check, ruff format --check, mypy
#   make bench      the benchmarks: in-process, then the pages over HTTP from gunicorn
#   make clean      remove everything generated (venv, node_modules, CSS, caches, demo db)
#
# Variables: PORT (demo, default 8000), PYTEST_ARGS (extra pytest arguments,
# default "-n 2": two workers; e.g. PYTEST_ARGS="-k plan -x"), PYTHON (default python3),
# BASE (bench: also time this git ref, side by side; e.g. BASE=915f77b), DB (bench: sqlite,
# the default, or postgres for a throwaway PostgreSQL server).

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
PORT ?= 8000
PYTEST_ARGS ?= -n 2

VENV := .venv
BIN := $(VENV)/bin
CSS := improve/static/improve/app.css
# The few files of GOV.UK Frontend and HTMX that pages load, copied out of node_modules so that
# static files (and WhiteNoise, which indexes them whenever it starts) see a dozen files, not npm's tree.
VENDOR := improve/static/vendor

export PIP_DISABLE_PIP_VERSION_CHECK := 1
export npm_config_fund := false
export npm_config_audit := false
export npm_config_update_notifier := false

# Stamp files are keyed on the content of what they install from, so a changed
# requirement file or lock file reinstalls and anything else is a no-op.
hash = $(shell cat $(1) 2>/dev/null | sha256sum | cut -c1-16)
PY_STAMP := $(VENV)/.stamp-python-$(call hash,requirements/base.txt requirements/dev.txt pyproject.toml)
NPM_STAMP := $(VENV)/.stamp-npm-$(call hash,package.json package-lock.json)
VENDOR_STAMP := $(VENV)/.stamp-vendor-$(call hash,package.json package-lock.json)

# A deleted node_modules means npm ci again, whatever the stamp says.
ifeq ($(wildcard node_modules/.package-lock.json),)
.PHONY: $(NPM_STAMP)
endif

# A deleted copy of the vendor files means copying them again, whatever the stamp says.
ifeq ($(wildcard $(VENDOR)/htmx.org/dist/htmx.min.js),)
.PHONY: $(VENDOR_STAMP)
endif

SCSS := $(shell find assets -type f 2>/dev/null)

.PHONY: help install install-python install-assets demo browsers doclibs java test lint bench clean

help:
	@sed -n 's/^#   make /make /p' $(firstword $(MAKEFILE_LIST))

install: install-python install-assets

install-python: $(PY_STAMP)

install-assets: $(CSS) $(VENDOR_STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(PY_STAMP): | $(BIN)/python
	$(BIN)/pip install -r requirements/base.txt -r requirements/dev.txt
	$(BIN)/pip install --no-deps -e .
	rm -f $(VENV)/.stamp-python-*
	touch $@

$(NPM_STAMP): | $(BIN)/python
	npm ci
	rm -f $(VENV)/.stamp-npm-*
	touch $@

$(CSS): $(NPM_STAMP) $(SCSS) package.json
	npm run build

$(VENDOR_STAMP): $(NPM_STAMP)
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/govuk-frontend/dist/govuk $(VENDOR)/htmx.org/dist
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(VENDOR)/govuk-frontend/dist/govuk/
	cp -r node_modules/govuk-frontend/dist/govuk/assets $(VENDOR)/govuk-frontend/dist/govuk/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.org/dist/
	rm -f $(VENV)/.stamp-vendor-*
	touch $@

demo: install doclibs java
	$(BIN)/improve migrate --noinput
	$(BIN)/improve load-example barking-dagenham-2019 --replace
	$(BIN)/improve load-example havering-2019 --replace
	$(BIN)/improve load-example cambridgeshire-2016 --replace
	$(BIN)/improve demo-users
	$(BIN)/improve runserver 127.0.0.1:$(PORT)

browsers:
	@if [ -x /usr/bin/chromium ]; then \
		echo "Chromium: $$(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"; \
	else \
		sudo=; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
		$$sudo apt-get update && \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
			chromium fonts-liberation; \
	fi

# WeasyPrint (the board pack's PDF) loads Pango and HarfBuzz, and the charts' PNG for Word loads
# Cairo, through ctypes/cffi: present on most Debian machines, installed here when missing.
DOCLIBS := libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz-subset.so.0 libcairo.so.2 libfontconfig.so.1
doclibs:
	@missing=; for lib in $(DOCLIBS); do ldconfig -p | grep -q "$$lib" || missing="$$missing $$lib"; done; \
	if [ -z "$$missing" ]; then \
		echo "Document libraries: present"; \
	else \
		echo "Document libraries missing:$$missing"; \
		sudo=; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
		$$sudo apt-get update && \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
			libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libcairo2 libfontconfig1 \
			fonts-liberation fonts-dejavu-core; \
	fi

# MPXJ (the MS Project reader, a Java library shipped in the mpxj package) runs on a Java runtime
# through JPype: present on many machines, installed here when missing. Without it the rest works.
java:
	@if command -v java >/dev/null 2>&1; then \
		echo "Java: $$(java -version 2>&1 | head -n 1)"; \
	else \
		sudo=; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
		$$sudo apt-get update && \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends default-jre-headless; \
	fi

# Both runs always happen; the target fails if either failed. The PostgreSQL
# server is stopped by with-postgres.sh whatever pytest's outcome.
test: install browsers doclibs java
	@rc=0; \
	echo "== pytest on SQLite =="; \
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS) || rc=1; \
	echo "== pytest on PostgreSQL =="; \
	bash scripts/with-postgres.sh $(BIN)/pytest $(PYTEST_ARGS) || rc=1; \
	if [ $$rc -ne 0 ]; then echo "make test: FAILED (see above)"; fi; \
	exit $$rc

lint: install-python
	@rc=0; \
	$(BIN)/ruff check . || rc=1; \
	$(BIN)/ruff format --check . || rc=1; \
	$(BIN)/mypy improve || rc=1; \
	exit $$rc

BENCH := $(BIN)/python bench/plan.py && $(BIN)/python bench/raid.py && $(BIN)/python bench/finance.py && $(BIN)/python bench/governance.py && $(BIN)/python bench/reporting.py && $(BIN)/python bench/reporting_dashboard.py && $(BIN)/python bench/demand_load.py && $(BIN)/python bench/demand_model.py && $(BIN)/python bench/demand.py && $(BIN)/python bench/interchange.py && $(BIN)/python bench/api.py && $(BIN)/python bench/http_pages.py $(if $(BASE),--base $(BASE))

bench: install doclibs
ifeq ($(DB),postgres)
	bash scripts/with-postgres.sh bash -c 'export BENCH_DATABASE_URL="$$DATABASE_URL" && $(BENCH)'
else
	$(BENCH)
endif

clean:
	rm -rf $(VENV) node_modules $(CSS) $(VENDOR) staticfiles build test-results screenshots \
		.pytest_cache .mypy_cache .ruff_cache .coverage *.egg-info db.sqlite3 db.sqlite3-*
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
