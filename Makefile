# valse: run `make help` for the list of targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)
SCENARIOS ?= data/scenarios/base.yaml $(filter-out data/scenarios/base.yaml,$(sort $(wildcard data/scenarios/*.yaml)))
OUT ?= outputs
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
PYTEST_ARGS ?=

.PHONY: help setup report test lab bench lint lock clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.lock
	@# the package is used in place (lib/ on the path): no build step, edits take effect at once
	$(PY) -c "import pathlib, sysconfig; pathlib.Path(sysconfig.get_paths()['purelib'], 'valse-dev.pth').write_text('$(abspath lib)\\n')"
	$(PY) -m ipykernel install --sys-prefix --name valse --display-name "Python (valse)" >/dev/null
	@rm -f $(VENV)/.installed-*
	@touch $@

setup: $(STAMP) ## create .venv from the lock (when missing or stale) and register the kernel

report: setup ## run the scenarios and publish outputs/index.html
	$(PY) -m valse run --scenario $(SCENARIOS) --jobs $(JOBS) --out $(OUT)
	@echo "Open $(abspath $(OUT))/index.html"

test: setup ## run the whole test suite
	$(PY) -m pytest -n $(JOBS) $(PYTEST_ARGS)

lab: setup ## open JupyterLab on notebooks/ with the project kernel
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

bench: setup ## time the naive papermill+nbconvert loop against `valse run` and a no-op re-run
	$(PY) bench/bench.py

lint: setup ## ruff over the library, tests and notebooks
	$(VENV)/bin/ruff check lib tests bench

lock: ## re-pin requirements.lock from pyproject.toml (needs the package registry)
	rm -rf .lockvenv && $(PYTHON) -m venv .lockvenv
	.lockvenv/bin/pip install --quiet -e '.[test]'
	(echo "# Pinned versions installed by 'make setup' (Python 3.11, Linux x86_64)."; \
	 echo "# Regenerate with 'make lock' after changing dependencies in pyproject.toml."; \
	 .lockvenv/bin/pip freeze --exclude-editable | grep -v '^valse' | sort -f) > requirements.lock
	rm -rf .lockvenv

clean: ## remove generated outputs (keeps .venv)
	rm -rf $(OUT) .pytest_cache .hypothesis
