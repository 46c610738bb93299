# The README's two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PG_URL ?= postgres://postgres@127.0.0.1:5432/kaiku
CHROMIUM := /usr/bin/chromium

.PHONY: install demo test lint typecheck browser-deps pytest pytest-postgres messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/kaiku demo

test: install lint typecheck browser-deps pytest pytest-postgres

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install
	$(BIN)/mypy

# The browser tests drive Debian's Chromium. Under CI=true they must run, so a missing
# Chromium is installed with apt (as root); elsewhere they are skipped with the reason.
browser-deps:
	@if [ -x $(CHROMIUM) ]; then \
		echo "browser-deps: Chromium is there ($(CHROMIUM))"; \
	elif [ "$$CI" != "true" ]; then \
		echo "browser-deps: no $(CHROMIUM); not installing it outside CI (the browser tests skip)"; \
	elif [ "$$(id -u)" != "0" ]; then \
		echo "browser-deps: CI=true but not root: cannot install Chromium with apt-get"; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
		echo "browser-deps: CI=true but no apt-get: cannot install Chromium"; \
	else \
		echo "browser-deps: CI=true and no $(CHROMIUM): installing chromium with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi

pytest: install
	@echo "== pytest on SQLite =="
	$(BIN)/pytest

# Under CI=true PostgreSQL must be there; elsewhere the suite is skipped with the reason.
pytest-postgres: install
	@echo "== pytest on PostgreSQL ($(PG_URL)) =="
	@if $(BIN)/python tests/services.py postgres "$(PG_URL)"; then \
		DATABASE_URL="$(PG_URL)" $(BIN)/pytest; \
	elif [ "$$CI" = "true" ]; then \
		echo "CI=true, but PostgreSQL is not reachable at $(PG_URL)" >&2; exit 1; \
	else \
		echo "SKIPPED: the PostgreSQL suite: no server at $(PG_URL)"; \
	fi

# Refresh the translation catalogues after changing texts, then compile them.
messages: install
	cd src/kaiku && ../../$(BIN)/django-admin makemessages -l fi -l sv -l en --no-obsolete \
		--settings=kaiku.settings --ignore='demo/*'
	cd src/kaiku && ../../$(BIN)/django-admin compilemessages --settings=kaiku.settings

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
