# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test build lint typecheck bench docs clean

$(BIN)/python:
	@echo "--- creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# pip names each package as it goes (about a minute on a fresh machine), so the first `make run`
# is not a silent wait.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "--- installing alliance-graph and its dependencies into $(VENV) (about a minute the first time)"
	{ $(BIN)/pip install --progress-bar off -e '.[dev]'; echo $$? >$(VENV)/.pip-status; } \
		| grep -v '^Requirement already satisfied' || true
	exit $$(cat $(VENV)/.pip-status)
	@echo "--- installed"
	touch $@

# The web UI's libraries (YASGUI, Cytoscape.js + fcose, vis-timeline, d3-geo + world-atlas, Swagger UI, axe-core…), from npm with the lock file.
ui/node_modules/.installed: ui/package.json ui/package-lock.json
	npm ci --prefix ui --no-audit --no-fund
	touch $@

build: $(VENV)/.installed
	$(BIN)/alliance-graph build

docs: $(VENV)/.installed
	$(BIN)/alliance-graph ontology docs

run: build ui/node_modules/.installed
	$(BIN)/alliance-graph serve --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests bench

# mypy, strict, over the package (configuration in pyproject.toml).
typecheck: $(VENV)/.installed
	$(BIN)/mypy

# Coverage of src/ over the whole suite, subprocesses included; below 90 % of lines fails.
test: $(VENV)/.installed ui/node_modules/.installed lint typecheck
	$(BIN)/alliance-graph ontology check
	rm -f .coverage .coverage.*
	$(BIN)/pytest -q --cov --cov-report=term --cov-fail-under=90

bench: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench
	$(BIN)/python -m bench.http
	$(BIN)/python -m bench.search

clean:
	rm -rf var
