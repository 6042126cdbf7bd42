# QMI platform. `make run` serves the demo, `make test` runs the suite.
# Both work with nothing but Python 3.11+ (SQLite, eager Celery tasks);
# DATABASE_URL and REDIS_URL switch to PostgreSQL and Redis.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock requirements-dev.lock | cksum | cut -d' ' -f1)
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install run test test-contract test-browser test-smoke test-all lint format messages compilemessages lock clean chromium

install: $(STAMP)

# The runtime lock and the development tools on top of it (the Docker image
# installs requirements.lock only).
$(STAMP): requirements.lock requirements-dev.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	rm -f $(VENV)/.installed-*
	touch $@

compilemessages: $(STAMP)
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py compile_translations

run: export DEBUG ?= 1
run: compilemessages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Serving http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: compilemessages
	$(BIN)/python -m pytest -m "not browser and not smoke and not contract" -n 2 $(PYTEST_ARGS)

chromium:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Browser tests need Debian's Chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

# Schemathesis against the public API served by a live server (about 45 s).
test-contract: compilemessages
	$(BIN)/python -m pytest -m contract -p no:xdist $(PYTEST_ARGS)

test-browser: compilemessages chromium
	$(BIN)/python -m pytest -m browser -p no:xdist $(PYTEST_ARGS)

test-smoke: compilemessages
	@test -n "$$DATABASE_URL" -a -n "$$REDIS_URL" || { echo "test-smoke needs DATABASE_URL and REDIS_URL" >&2; exit 1; }
	$(BIN)/python -m pytest -m smoke -p no:xdist $(PYTEST_ARGS)

test-all: test test-contract test-browser

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l fr -l en --ignore=.venv --ignore=staticfiles --no-obsolete --add-location=never

# Regenerate both locks from pyproject.toml (pins every version): the runtime
# dependencies in requirements.lock, the dev extra on top in requirements-dev.lock.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade pip
	.lock-venv/bin/pip install --quiet .
	{ sed -n '1,2p' requirements.lock; .lock-venv/bin/pip freeze --exclude-editable | grep -v "^qmi-platform"; } > .lock-runtime
	.lock-venv/bin/pip install --quiet ".[dev]"
	{ sed -n '1,2p' requirements-dev.lock; .lock-venv/bin/pip freeze --exclude-editable | grep -v "^qmi-platform" | grep -vxFf .lock-runtime; } > requirements-dev.lock
	mv .lock-runtime requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
