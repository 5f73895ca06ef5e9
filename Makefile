# The Makefile is the interface: `make help` lists the targets.
# Everything runs in .venv, created on first use with the pinned requirements.txt.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help venv validate book pdf test refresh check workbook import bench lock clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-9s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { echo "Python 3.11 is required (set PYTHON=python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

venv: $(STAMP) ## Create .venv with the pinned dependencies

validate: $(STAMP) ## Check data/: every problem with file, row and column; non-zero exit if any
	$(BIN)/peerwork-review validate

book: validate ## Build the HTML book into _build/html from the stored notebook outputs (strict)
	$(BIN)/peerwork-review build

pdf: validate ## Build the whole book as one PDF into _build/pdf (and beside the HTML book); needs Chromium
	$(BIN)/peerwork-review pdf

test: $(STAMP) ## Run every test: data checks, nbval on the notebooks, book build and browser check
	$(BIN)/python -m pytest

refresh: $(STAMP) ## Re-execute the notebooks after a data change, store their outputs, print what changed
	$(BIN)/peerwork-review refresh

check: $(STAMP) ## Re-derive every figure; say in words what differs from the stored outputs (exit 1 if anything does)
	$(BIN)/peerwork-review check

WORKBOOK ?= artifacts/peerwork-review-data.xlsx

workbook: $(STAMP) ## Write the data as a spreadsheet to edit (WORKBOOK=path, default artifacts/peerwork-review-data.xlsx)
	$(BIN)/peerwork-review workbook --out $(WORKBOOK)

import: $(STAMP) ## Check an edited workbook and, only if it is valid, write it into data/ (WORKBOOK=path)
	$(BIN)/peerwork-review import $(WORKBOOK)

bench: $(STAMP) ## Time the build and tests; print a table of figures
	$(BIN)/python bench/run.py

bench-consistency: $(STAMP) ## Time each family of the joint consistency check at 1x, 10x and 100x the studies
	$(BIN)/python bench/consistency.py

lock: ## Recompile requirements.txt from requirements.in (needs the network)
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --output-file requirements.txt requirements.in

clean: ## Remove the built book and the execution cache
	rm -rf _build
