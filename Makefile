# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test build lint bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The web UI's libraries (CodeMirror, Cytoscape.js), from npm with the lock file.
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

test: $(VENV)/.installed ui/node_modules/.installed lint
	$(BIN)/alliance-graph ontology check
	$(BIN)/pytest -q

bench: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench
	$(BIN)/python -m bench.http

clean:
	rm -rf var
