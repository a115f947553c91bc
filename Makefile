# Two entry points: `make run` (build the bundled corpus, serve it) and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: run test setup java browser lint assets

run: setup
	$(BIN)/newsgraph build
	$(BIN)/newsgraph serve

test: setup java browser
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# HermiT (owlready2's reasoner) needs a Java runtime.
java:
	@command -v java >/dev/null 2>&1 || { \
	  echo "Installing a Java runtime for HermiT"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; }

# Headless Chromium for the browser tests (driven by Playwright, which downloads no browser).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Front-end libraries from the npm registry, copied into server/static/vendor (committed).
assets:
	cd frontend && npm ci --no-audit --no-fund && npm run vendor
