# The two commands a newcomer needs: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Test processes (pytest-xdist); 0 runs the suite in this process.
TEST_WORKERS ?= 2
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test bench lint messages worker migrate seed clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed (set PYTHON=...)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# What serving needs; the test and lint tools come on top, for the commands that use them.
$(RUN_STAMP): requirements.txt constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	touch $@

$(DEV_STAMP): $(RUN_STAMP) requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

migrate: $(RUN_STAMP)
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --no-input

seed: migrate
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo

## Install, migrate, load demo data and serve HTTP + WebSockets with Daphne (plus the task worker).
run: seed
	@DEBUG=$${DEBUG:-1} $(BIN)/python manage.py serve --port $(PORT)

## Run the whole test suite, a file at a time on each of $(TEST_WORKERS) workers.
test: $(DEV_STAMP)
	$(BIN)/python -m pytest --numprocesses $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

## Run the benchmarks under bench/ and print their tables.
bench: $(DEV_STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Refresh the translation catalogues (needs GNU gettext) and compile them with Babel.
messages: $(DEV_STAMP)
	DEBUG=1 $(BIN)/python manage.py makemessages --all --no-obsolete --ignore='.venv/*' --ignore='var/*' --ignore='bench/*' --ignore='tests/*' --ignore='test-artifacts/*' --ignore='node_modules/*'
	DEBUG=1 $(BIN)/python manage.py compile_catalogues

worker: $(RUN_STAMP)
	$(BIN)/python manage.py db_worker

clean:
	rm -rf $(VENV)

.PHONY: cluster cluster-stop cluster-status cluster-load

## A loopback cluster: nginx on 127.0.0.1:8080 (CLUSTER_PORT) before three Daphne workers, the task worker
## and the scheduler, on PostgreSQL and Redis of its own (docs/operations.md). Prints the URL, pids, logs, logins.
cluster: $(RUN_STAMP)
	$(BIN)/python -m cluster start

cluster-stop:
	$(BIN)/python -m cluster stop

cluster-status:
	$(BIN)/python -m cluster status

## Load the running cluster: 1,000 chat customers and 50 agents for 30 minutes plus help-centre and inbox
## traffic (bench/cluster_load.py; LOAD_ARGS="--minutes 5" and the like pass options on).
cluster-load: $(DEV_STAMP)
	$(BIN)/python -m bench.cluster_load $(LOAD_ARGS)
