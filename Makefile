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
#: The browser the site's and JupyterLab's tests drive (Debian's package; the tests read it
#: from VALSE_CHROMIUM). Set it to a browser elsewhere: make test CHROMIUM=/path/to/chromium
CHROMIUM ?= $(or $(VALSE_CHROMIUM),/usr/bin/chromium)
export VALSE_CHROMIUM := $(CHROMIUM)

# apt_install PACKAGE WHY: install a Debian package with apt-get when apt-get is there and we are
# root or may use sudo without a password; otherwise print the one command to run and return 1.
define APT_INSTALL
bash -c ' \
  if command -v apt-get >/dev/null 2>&1; then \
    if [ "$$(id -u)" = 0 ]; then sudo=; \
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
    else echo "*** $$2: run   sudo apt-get install -y $$1   (then make again)" >&2; exit 1; fi; \
    echo "Installing the Debian package $$1 ($$2) with apt-get ..." >&2; \
    $$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && \
    $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$1 >/dev/null && exit 0; \
    echo "*** apt-get could not install $$1 ($$2): run   sudo apt-get install -y $$1" >&2; exit 1; \
  fi; \
  echo "*** $$2: install the package $$1 with the package manager of this system" >&2; \
  exit 1' apt_install
endef

.PHONY: help setup browser report test lab bench lint lock clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@test -n "$(PYTHON)" && $(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
	  || { echo "*** valse needs Python 3.11 (found: $(or $(PYTHON),no python3)); install it," \
	       "or run make PYTHON=/path/to/python3.11" >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -c 'import ensurepip' 2>/dev/null \
	  || $(APT_INSTALL) python3-venv "Python's venv module, to create .venv"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.lock
	@# the package is used in place (lib/ on the path): no build step, edits take effect at once
	$(PY) -c "import pathlib, sysconfig; pathlib.Path(sysconfig.get_paths()['purelib'], 'valse-dev.pth').write_text('$(abspath lib)\\n')"
	$(PY) -m ipykernel install --sys-prefix --name valse --display-name "Python (valse)" >/dev/null
	@rm -f $(VENV)/.installed-*
	@touch $@

#: axe-core, the accessibility check of the browser tests: pinned in package-lock.json, installed
#: here with npm (never fetched from a CDN when the tests run).
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || $(APT_INSTALL) npm "axe-core (accessibility tests) is installed with npm"
	npm ci --no-audit --no-fund --ignore-scripts --silent
	@touch $@

setup: $(STAMP) $(AXE) ## create .venv from the lock (when missing or stale), register the kernel, install axe-core

report: setup ## run the scenarios and publish outputs/index.html
	$(PY) -m valse run --scenario $(SCENARIOS) --jobs $(JOBS) --out $(OUT)
	@echo "Open $(abspath $(OUT))/index.html"

browser: ## install Debian's Chromium for the browser tests when it is missing (apt-get)
	@test -x "$(CHROMIUM)" || $(APT_INSTALL) chromium "the browser tests need Chromium at $(CHROMIUM)" \
	  || echo "*** without it the browser tests fail (they never skip)" >&2
	@test ! -x "$(CHROMIUM)" || "$(CHROMIUM)" --version 2>/dev/null || true

test: setup browser ## run the whole test suite (installs what it needs first, the browser included)
	$(PY) -m pytest -n $(JOBS) $(PYTEST_ARGS)

lab: setup ## open JupyterLab on notebooks/ with the project kernel
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

BENCH_ARGS ?= --repeat 3

bench: setup browser ## time the naive loop, a papermill pool, `valse run` (with/without fork server), the work
	$(PY) bench/bench.py $(BENCH_ARGS)

lint: setup ## ruff over the library, tests and notebooks (ruff reads .ipynb)
	$(VENV)/bin/ruff check lib tests bench notebooks
	$(VENV)/bin/ruff format --check notebooks

lock: ## re-pin requirements.lock from pyproject.toml (needs the package registry)
	rm -rf .lockvenv && $(PYTHON) -m venv .lockvenv
	.lockvenv/bin/pip install --quiet -e '.[test]'
	(echo "# Pinned versions installed by 'make setup' (Python 3.11, Linux x86_64)."; \
	 echo "# Regenerate with 'make lock' after changing dependencies in pyproject.toml."; \
	 .lockvenv/bin/pip freeze --exclude-editable | grep -v '^valse' | sort -f) > requirements.lock
	rm -rf .lockvenv

clean: ## remove generated outputs (keeps .venv)
	rm -rf $(OUT) .pytest_cache .hypothesis
