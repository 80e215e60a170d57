# The two commands in README.md: `make run` and `make test`. Everything else is a helper.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
STAMP  := $(VENV)/.installed

.PHONY: run test install lint typecheck pytest chromium i18n bench clean

$(STAMP): pyproject.toml hatch_build.py $(wildcard src/dinner1/locale/catalogs/*/LC_MESSAGES/*.po)
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first, from the CPU wheel, so nothing else can pull a CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Install, migrate, load the demo world and serve on http://$(HOST):$(PORT)/
run: install
	$(BIN)/dinner1 serve --demo --host $(HOST) --port $(PORT)

## Install, then lint, type-check and run every test (SQLite, or PostgreSQL/Redis via
## DATABASE_URL/REDIS_URL), including the Chromium journeys.
test: install chromium lint typecheck pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest

chromium:
	scripts/ensure-chromium

## Re-extract translatable strings and merge them into the fr/ar catalogs.
i18n: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _ -k gettext -k ngettext:1,2 --no-location \
	  --sort-output --project=Dinner1 --version=0.1 --msgid-bugs-address=i18n@dinner1.app \
	  -o src/dinner1/locale/catalogs/messages.pot .
	$(BIN)/pybabel update -i src/dinner1/locale/catalogs/messages.pot \
	  -d src/dinner1/locale/catalogs -D messages --no-fuzzy-matching --ignore-obsolete

bench: install
	$(BIN)/python bench/http_baseline.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts
