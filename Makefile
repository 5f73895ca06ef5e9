# The Makefile is the interface: `make help` lists the targets.
# Everything runs in .venv, created on first use with the pinned requirements/test.txt.

# The Python versions this project supports, newest first. pyproject.toml
# (requires-python), environment.yml, the README and the test workflow's matrix name
# the same ones; tests/test_environment.py fails when they disagree.
SUPPORTED_PYTHONS := 3.13 3.12 3.11
VENV   := .venv
BIN    := $(VENV)/bin
# Which lock .venv gets: `test` (the default) is everything, `book` only what building
# the book needs (the deploy: make book LOCK=book). See pyproject.toml.
LOCK   ?= test
STAMP  := $(VENV)/.installed-$(LOCK)
# The interpreter .venv was made with ("VERSION PREFIX"); .venv is made anew when the
# chosen interpreter is another one.
MADE_WITH := $(VENV)/.made-with

# The interpreter: PYTHON when given; otherwise that of an existing .venv while it
# runs a supported version (so a .venv made with PYTHON=... is kept by later runs
# without it); otherwise the newest of python3.13, python3.12, python3.11, then
# python3. A candidate counts only if it runs: pyenv puts a shim on PATH for every
# version it has installed, and the shim of a version that is not selected exists but
# fails. Looked up on first use, so `make help` and `make clean` start no interpreter.
CANDIDATES = $(BIN)/python $(addprefix python,$(SUPPORTED_PYTHONS)) python3
py_minor = $(shell $(1) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
first_supported = $(if $(1),$(if $(filter $(SUPPORTED_PYTHONS),$(call py_minor,$(firstword $(1)))),$(firstword $(1)),$(call first_supported,$(wordlist 2,$(words $(1)),$(1)))))
ifeq ($(origin PYTHON),undefined)
PYTHON = $(eval PYTHON := $(call first_supported,$(CANDIDATES)))$(PYTHON)
endif
# "3.11, 3.12 and 3.13", for messages.
comma := ,
space := $() $()
oldest_first := $(sort $(SUPPORTED_PYTHONS))
SUPPORTED_LIST := $(subst $(space),$(comma)$(space),$(wordlist 2,$(words $(oldest_first)),x $(oldest_first))) and $(lastword $(oldest_first))
HOW_TO_CHOOSE = This project supports Python $(SUPPORTED_LIST). Install one, or point PYTHON at one, e.g. make $(or $(MAKECMDGOALS),venv) PYTHON=/path/to/python3.12

.DEFAULT_GOAL := help
.PHONY: help venv validate book pdf linkcheck test test-fast browser-tools lint refresh check workbook import import-records bench lock clean FORCE

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

# Rewritten only when the chosen interpreter differs from the one .venv was made
# with, so the installs below run again only then (or when a lock changes). The new
# .venv is made by the interpreter itself, not the name it was found by (a pyenv shim,
# or the old .venv's python, which goes first).
$(MADE_WITH): FORCE
	@python='$(PYTHON)'; \
	if [ -z "$$python" ]; then \
	  echo "No supported Python found (tried $(CANDIDATES))."; echo "$(HOW_TO_CHOOSE)"; exit 1; fi; \
	found=$$($$python -c 'import platform, sys; print(platform.python_version(), sys.base_prefix); print(sys._base_executable)' 2>/dev/null) || { \
	  echo "PYTHON=$$python does not run."; echo "$(HOW_TO_CHOOSE)"; exit 1; }; \
	id=$$(echo "$$found" | sed -n 1p); base=$$(echo "$$found" | sed -n 2p); version=$${id%% *}; \
	case " $(SUPPORTED_PYTHONS) " in *" $${version%.*} "*) ;; *) \
	  echo "PYTHON=$$python is Python $$version."; echo "$(HOW_TO_CHOOSE)"; exit 1;; esac; \
	if [ "$$(cat $@ 2>/dev/null)" != "$$id" ]; then \
	  if [ -d $(VENV) ]; then echo "Removing $(VENV), made with $$(cat $@ 2>/dev/null || echo 'an unrecorded interpreter')"; rm -rf $(VENV); fi; \
	  echo "Creating $(VENV) with Python $$version: $$base (found as $$python)"; \
	  "$$base" -m venv $(VENV) && echo "$$id" > $@; \
	fi

$(VENV)/.installed-%: requirements/%.txt $(MADE_WITH) pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r $<
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

venv: $(STAMP) ## Create .venv with the pinned dependencies (PYTHON=... to choose the interpreter)
	@echo "$(VENV): Python $$(cat $(MADE_WITH)), requirements/$(LOCK).txt"

validate: $(STAMP) ## Check data/: every problem with file, row and column; non-zero exit if any
	$(BIN)/peerwork-review validate

book: validate ## Build the HTML book into _build/html from the stored notebook outputs (strict)
	$(BIN)/peerwork-review build

pdf: validate ## Build the whole book as one PDF into _build/pdf (and beside the HTML book); needs Chromium
	$(BIN)/peerwork-review pdf

linkcheck: validate ## Check the book's links to other sites (Sphinx linkcheck; needs the internet)
	$(BIN)/peerwork-review build --builder linkcheck

# nbval re-executes every notebook and compares each output with the stored one; the tests
# run on every core ("loadscope" keeps a module's tests, and a notebook's cells, on one worker).
# The ten slowest tests are named at the end of every run.
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval-sanitize.cfg
test: $(VENV)/.installed-test browser-tools ## Run every test: data checks, nbval on the notebooks, builds, browser and PDF checks
	$(BIN)/python -m pytest -n auto --dist loadscope --durations=10 $(NBVAL) tests notebooks

# The browser and PDF checks need Chromium and pdftotext, which come from the system's
# packages, not PyPI (no browser is ever downloaded): installed with apt-get where this
# is Debian or Ubuntu and the user may (root, or sudo without a password).
browser-tools:
	@command -v chromium >/dev/null && command -v pdftotext >/dev/null && exit 0; \
	sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo -n"; \
	if command -v apt-get >/dev/null && $$sudo true 2>/dev/null; then \
	  echo "Installing Chromium and poppler-utils (the browser and PDF checks need them)"; \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium poppler-utils >/dev/null; \
	else echo "The browser and PDF checks need Chromium and pdftotext: install them (Debian/Ubuntu: apt-get install chromium poppler-utils; macOS: brew install chromium poppler), then run make test again."; exit 1; fi

# loadscope here too: a module's shared fixtures (a workbook written, diagrams drawn) are made once.
test-fast: $(VENV)/.installed-test ## The tests that need no whole build and take under a second each, on every core (for editing)
	$(BIN)/python -m pytest -n auto --dist loadscope -m "not slow and not fuzz_long and not whole_suite" tests

# Every check runs, so one run lists every finding; fails if any check failed.
lint: $(VENV)/.installed-test ## Check style, formatting, types, the import contract and spelling
	@status=0; for check in "ruff check" "ruff format --check --output-format concise" "mypy" "lint-imports" "codespell"; do \
	  echo "== $$check"; $(BIN)/$$check || status=1; done; exit $$status

refresh: $(STAMP) ## Re-execute the notebooks after a data change, store their outputs, print what changed
	$(BIN)/peerwork-review refresh

check: $(STAMP) ## Re-derive every figure; say in words what differs from the stored outputs (exit 1 if anything does)
	$(BIN)/peerwork-review check

WORKBOOK ?= artifacts/peerwork-review-data.xlsx

workbook: $(STAMP) ## Write the data as a spreadsheet to edit (WORKBOOK=path, default artifacts/peerwork-review-data.xlsx)
	$(BIN)/peerwork-review workbook --out $(WORKBOOK)

import: $(STAMP) ## Check an edited workbook and, only if it is valid, write it into data/ (WORKBOOK=path)
	$(BIN)/peerwork-review import $(WORKBOOK)

import-records: $(STAMP) ## Read a later run's search exports and decisions into data/ (RUN=id RECORDS=folder)
	@test -n "$(RUN)" -a -n "$(RECORDS)" || { echo "Say which run and which folder: make import-records RUN=2026-05 RECORDS=path/to/exports"; exit 1; }
	$(BIN)/peerwork-review import-records "$(RUN)" "$(RECORDS)"

bench: $(VENV)/.installed-test ## Time the build, the refresh and the tests; print a table of figures
	$(BIN)/python -m bench.run

# One lock for Python 3.11 to 3.13 and every platform: uv resolves "universally",
# writing environment markers where a pin differs between Pythons or platforms, so
# the file installs with plain pip everywhere (pip-tools can only lock for the
# interpreter that runs it). The test lock is constrained to the book lock, so the
# packages both install are the same versions in the book, on Binder and in the tests.
# Without UPGRADE=1 every pin that still satisfies pyproject.toml is kept.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version $(firstword $(oldest_first)) \
	--custom-compile-command "make lock" --quiet $(if $(UPGRADE),--upgrade)
lock: $(VENV)/.installed-test ## Recompile requirements/*.txt from pyproject.toml (UPGRADE=1: newest releases)
	$(UV_COMPILE) --extra book --output-file requirements/book.txt
	$(UV_COMPILE) --extra book --extra test --extra dev --constraint requirements/book.txt --output-file requirements/test.txt

clean: ## Remove the built book, its downloads and logs
	rm -rf _build
