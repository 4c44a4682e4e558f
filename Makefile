# Campaign Manager — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
ADMIN_EMAIL ?= admin@example.com
ADMIN_PASSWORD ?= admin-password-change-me

.PHONY: run test install install-test lint format check migrations schema clean up down faults

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/base.txt

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/test.txt

## Install, migrate, seed the demo campaign, create an admin login and serve HTTP + WebSocket,
## with the periodic jobs (due work, pruning) running beside the server.
run: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py ensure_admin --email "$(ADMIN_EMAIL)" --password "$(ADMIN_PASSWORD)"
	$(BIN)/python manage.py run_scheduler & trap 'kill $$!' EXIT; \
		$(BIN)/daphne -b $(HOST) -p $(PORT) config.asgi:application

## The production topology on this machine, without Docker: nginx, two replicas (the web server
## for HTTP, daphne for WebSockets), a Celery worker and beat, on the local PostgreSQL and Redis
## (docs/operations.md). `make down` stops what `make up` started.
up: install
	bash deploy/up.sh

down:
	bash deploy/down.sh

## Fault tests (also part of the suite on PostgreSQL + Redis): Redis killed and restarted, database
## connections cut, a replica killed, each under a write load through nginx (tests/faults/).
faults: install-test
	$(BIN)/pytest tests/faults -q -s

## Check the layering contracts (pyproject.toml) and run the test suite (embedded default
## unless DATABASE_URL / REDIS_URL are set).
test: install-test
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Fail when models and migrations disagree.
migrations: install-test
	$(BIN)/python manage.py makemigrations --check --dry-run

check: lint migrations

clean:
	rm -rf $(VENV) var staticfiles

## Regenerate schema.graphql from the code (CI fails when it is stale).
schema: install-test
	$(BIN)/python manage.py graphql_schema --schema config.schema.schema --out schema.graphql
