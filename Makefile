# Portero: `make run` for a local site, `make test` for the whole suite. Needs Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin

.PHONY: run test lint format install install-test bench clean

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

## make bench: national-scale data in a throw-away database, then the everyday pages and nightly jobs timed.
## PostgreSQL when DATABASE_URL is set, otherwise SQLite; BENCH_SCALE=0.1 for a quick run.
bench: install-test
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python bench/run.py --scale $(or $(BENCH_SCALE),1.0)

clean:
	rm -rf var/ staticfiles/ .pytest_cache
