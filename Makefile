# Every target creates the virtual environment and installs what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

.PHONY: help serve build build-zensical test test-site test-example test-audit chromium run register bench clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml snippets/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet --group test --group snippets/pyproject.toml:dev -e ./snippets -e .
	touch $(STAMP)

serve: $(STAMP)  ## Serve the site at http://127.0.0.1:8000 with live reload
	$(BIN)/python -m guidebook.versions
	$(BIN)/python -m guidebook.export --docs
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000 --livereload

build: $(STAMP)  ## Build the static site into site/ (with rules.json and the Netlify short links)
	$(BIN)/python -m guidebook.versions && $(BIN)/mkdocs build --strict
	$(BIN)/python -m guidebook.export --site-dir site

build-zensical: $(STAMP)  ## Build the same site with Zensical into site-zensical/, with the same generated files
	$(BIN)/python -m guidebook.zensical --site-dir site-zensical

test: chromium test-example test-site test-audit  ## Run the whole test suite (the example service's, the site's, the audit tool's)

# The example suite runs once, as a reader runs it: the template unpacked into an empty folder,
# a fresh venv, docs/start.md's install and test commands (pytest arguments: ARGS="-k auth --no-cov").
test-example: $(STAMP)  ## The example service's own tests (unit, integration, contract) with coverage, in the unpacked template
	$(BIN)/python -m guidebook.standalone $(ARGS)

# One pytest-xdist process per core; they share one build of the site, and each test module
# stays in one process (tests/conftest.py).
test-site: $(STAMP) chromium  ## The site's tests: every block, rule IDs, the build, the browser
	$(BIN)/python -m pytest -n auto --dist loadfile

# The browser tests drive Debian's Chromium (Playwright downloads nothing here): checked first, the
# way the tests look for it, and installed as root; anyone else is told the command at once.
chromium: $(STAMP)
	@$(BIN)/python -m guidebook.browser >/dev/null \
		|| { [ "$$(id -u)" = 0 ] && apt-get update -qq \
			&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } \
		|| { echo "The browser tests need Chromium: sudo apt-get install chromium"; exit 1; }

test-audit: $(STAMP)  ## The audit tool's tests: corpus precision/recall, every Don't found, the example clean, the wheel
	cd audit && ../$(BIN)/python -m pytest

register: $(STAMP)  ## Add newly written rule IDs to the append-only registry and regenerate docs/ruff.md's table (short links, evidence and errata are made by every build)
	$(BIN)/python -m guidebook.register

run: $(STAMP)  ## Run the example service at http://127.0.0.1:8001
	cd snippets && ../$(BIN)/python -m scripts.run_local

bench: $(STAMP)  ## Measure the site, the test suite and the example service; print tables and JSON
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk; } \
		|| { echo "make bench needs the wrk load generator: sudo apt-get install wrk"; exit 1; }
	$(BIN)/python -m pip install --quiet --group bench
	$(BIN)/python -m bench

clean:  ## Remove the virtual environment and build output
	rm -rf $(VENV) site site-zensical
