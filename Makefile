# The two commands a newcomer needs: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test bench lint messages serve worker migrate seed clean ci

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

venv: $(STAMP)

migrate: $(STAMP)
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --no-input

seed: migrate
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo

## Install, migrate, load demo data and serve HTTP + WebSockets with Daphne (plus the task worker).
run: seed
	@DEBUG=$${DEBUG:-1} $(BIN)/python manage.py serve --port $(PORT)

## Run the whole test suite.
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Run the benchmarks under bench/ and print their tables.
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Refresh the translation catalogues (needs GNU gettext) and compile them with Babel.
messages: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py makemessages --all --no-obsolete --ignore='.venv/*' --ignore='var/*' --ignore='bench/*' --ignore='tests/*'
	$(BIN)/python manage.py compile_catalogues

worker: $(STAMP)
	$(BIN)/python manage.py db_worker

clean:
	rm -rf $(VENV)
