# Portero: `make run` for a local site, `make test` for the whole suite. Needs Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin

.PHONY: run test lint format install install-test bench bench-growth messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## make run: migrate, load demo data, start the site on http://127.0.0.1:$(PORT) with a Celery worker + beat.
run: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo
	DJANGO_DEBUG=1 PORT=$(PORT) BIN=$(BIN) ./scripts/run-local.sh

## make test: install the test tools and run the whole suite (browser tests included).
test: install-test
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make bench: a country's data in PostgreSQL (COPY), production settings under gunicorn + wrk, each figure next to
## its reference; writes var/bench/results-*.md. BENCH_SCALE=0.05 (default, ~15 min) … 1 (national).
## Needs PostgreSQL (BENCH_DATABASE_URL, dropped and re-created), Redis (db 7) and Debian's wrk.
bench: install-test
	DATABASE_URL=$(or $(BENCH_DATABASE_URL),postgres://postgres@127.0.0.1:5432/portero_bench) \
	REDIS_URL=$(or $(BENCH_REDIS_URL),redis://127.0.0.1:6379/7) \
	$(BIN)/python bench/run.py --scale $(or $(BENCH_SCALE),0.05) $(BENCH_ARGS)

## make bench-growth: the nightly jobs at several scales (BENCH_GROWTH_SCALES, default 0.05 0.1 0.2), each on its
## own database portero_bench_growth_*; time per account and growth exponent, never a linear projection.
bench-growth: install-test
	REDIS_URL=$(or $(BENCH_REDIS_URL),redis://127.0.0.1:6379/7) \
	$(BIN)/python bench/growth.py $(or $(BENCH_GROWTH_SCALES),0.05 0.1 0.2) $(BENCH_ARGS)

## make messages: the Dutch catalog from the sources (makemessages; each Portero string translated by itself,
## the library strings from locale/nl/libraries.po), then compilemessages. Needs GNU gettext.
messages: install-test
	$(BIN)/python scripts/messages.py

clean:
	rm -rf var/ staticfiles/ .pytest_cache
