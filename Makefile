# Development entry points for the enclave.networks collection.
#   make demo   set up, build and install the collection, run the demo against the emulator
#   make test   lint, sanity, unit and integration tests, and the agent role's tests
#   make role-tests   the agent role's scenarios in a debootstrap root (needs root; installs its Debian tools)
#   make benchmark   time the inventory plugin with 10,000 systems; writes docs/benchmarks.md
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# The pinned ansible-core 2.19 needs Python 3.11 or later; take the first interpreter that runs and is new enough.
PYTHON ?= $(shell for candidate in python3.11 python3.12 python3.13 python3; do \
	$$candidate -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && command -v $$candidate && break; \
	done)
VENV := .venv
BIN := $(VENV)/bin
VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
BUILD := build
TARBALL := $(BUILD)/enclave-networks-$(VERSION).tar.gz
COLLECTIONS := $(BUILD)/collections
STAGE := $(BUILD)/stage
STAGED := $(STAGE)/ansible_collections/enclave/networks
# ansible-test keeps its virtual environments and pip bootstrap under HOME; keep them in build/.
TEST_HOME := $(CURDIR)/$(BUILD)/ansible-test-home
VENV_PYTHON_VERSION = $(shell $(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
# Older ansible-core releases that sanity also runs against, each in a virtual environment of its own;
# requirements-dev.txt pins the newest. Together they cover requires_ansible in meta/runtime.yml.
OLDER_CORE_VERSIONS := 2.17.14 2.18.19
CORE_VENVS := $(BUILD)/core-venvs
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/$(COLLECTIONS)
export ANSIBLE_NOCOLOR := 1
export ANSIBLE_FORCE_COLOR := 0
export ANSIBLE_STDOUT_CALLBACK := default
export ANSIBLE_LOCALHOST_WARNING := false
export ANSIBLE_INVENTORY_UNPARSED_WARNING := false

.PHONY: help setup build install demo test lint stage sanity sanity-older units emulator-tests integration role-tests \
	changelog emulator clean benchmark

help:
	@sed -n 's/^#   //p' Makefile

setup: $(VENV)/.installed

$(VENV)/.installed: requirements-dev.txt
	@test -n "$(PYTHON)" || { echo "Python 3.11 or later is required: install it, or pass PYTHON=/path/to/python3.11."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

build: setup
	mkdir -p $(BUILD)
	$(BIN)/ansible-galaxy collection build --force --output-path $(BUILD) .

# Install the tarball the way users do, into a collections path of its own.
install: build
	rm -rf $(COLLECTIONS)
	$(BIN)/ansible-galaxy collection install --force -p $(COLLECTIONS) $(TARBALL)

# After the demo playbook, the inventory plugin lists the emulator's systems as a graph, and a play
# runs against the hosts of one tag.
DEMO_INVENTORY := playbooks/inventory/demo.enclave.yml

demo: install
	$(BIN)/python tests/harness/with_emulator.py -- bash -c '$(BIN)/ansible-playbook enclave.networks.demo \
		&& $(BIN)/ansible-inventory -i $(DEMO_INVENTORY) --graph \
		&& $(BIN)/ansible-playbook -i $(DEMO_INVENTORY) enclave.networks.inventory_demo'

# Time the inventory plugin with 10,000 systems against a static inventory; writes docs/benchmarks.md.
benchmark: install
	$(BIN)/python tests/benchmarks/inventory_benchmark.py $(BENCHMARK_ARGS)

# Start the emulator in the foreground, for trying the collection by hand.
emulator: setup
	@echo "In another shell: export ENCLAVE_API_URL=http://127.0.0.1:$${PORT:-8080}" \
		"ENCLAVE_TOKEN=EmulatorDemoToken0123456789012345678901234567890123456789012345"
	PYTHONPATH=tests/emulator $(BIN)/python -m enclave_emulator --port $${PORT:-8080}

test: lint sanity sanity-older units emulator-tests integration role-tests

# ansible-lint and antsibull-docs call ansible-doc and ansible-playbook, so the venv's bin goes on PATH.
lint: stage
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/$(STAGE) PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/ansible-lint --nocolor
	$(BIN)/antsibull-changelog lint
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/antsibull-docs lint-collection-docs --plugin-docs $(STAGED)

stage: setup
	$(BIN)/python tests/harness/stage_collection.py $(STAGE)

sanity: stage
	$(BIN)/python tests/harness/prepare_ansible_test.py $(TEST_HOME)
	cd $(STAGED) && HOME=$(TEST_HOME) $(CURDIR)/$(BIN)/ansible-test sanity --venv --python $(VENV_PYTHON_VERSION) --color no

sanity-older: $(addprefix sanity-core-,$(OLDER_CORE_VERSIONS))

sanity-core-%: stage
	test -x $(CORE_VENVS)/$*/bin/ansible-test || \
		{ $(PYTHON) -m venv $(CORE_VENVS)/$* && $(CORE_VENVS)/$*/bin/pip install --quiet ansible-core==$*; }
	$(CORE_VENVS)/$*/bin/python tests/harness/prepare_ansible_test.py $(TEST_HOME)
	cd $(STAGED) && HOME=$(TEST_HOME) $(CURDIR)/$(CORE_VENVS)/$*/bin/ansible-test sanity --venv \
		--python $(VENV_PYTHON_VERSION) --color no

units: stage
	$(BIN)/python tests/harness/prepare_ansible_test.py $(TEST_HOME)
	cd $(STAGED) && HOME=$(TEST_HOME) $(CURDIR)/$(BIN)/ansible-test units --venv --python $(VENV_PYTHON_VERSION) \
		--color no

emulator-tests: setup
	PYTHONPATH=tests/emulator $(BIN)/pytest -q -p no:cacheprovider $(PYTEST_ARGS) tests/emulator/tests

# PYTEST_ARGS narrows a run, for example PYTEST_ARGS="-k system_info".
integration: install
	PYTHONPATH=tests/emulator $(BIN)/pytest -q -p no:cacheprovider $(PYTEST_ARGS) tests/integration

# The agent role's tests build a stub agent package, a signed apt repository and a Debian root with
# debootstrap, kept in $(BUILD)/role-tests between runs. They need root, like CI, and Debian's
# debootstrap, apt-ftparchive (apt-utils) and gpg (gnupg), which this target installs when missing.
ROLE_TEST_TOOLS := debootstrap apt-ftparchive gpg

role-tests: install
	@missing=""; for tool in $(ROLE_TEST_TOOLS); do command -v $$tool >/dev/null || missing=1; done; \
	if [ -n "$$missing" ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap apt-utils gnupg; fi
	ROLE_TEST_CACHE=$(CURDIR)/$(BUILD)/role-tests PYTHONPATH=tests/emulator $(BIN)/pytest -q -p no:cacheprovider \
		$(PYTEST_ARGS) tests/role

# Regenerate CHANGELOG.rst for the version in galaxy.yml from changelogs/fragments.
changelog: setup
	rm -f changelogs/changelog.yaml changelogs/.plugin-cache.yaml
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/antsibull-changelog release --version $(VERSION)

clean:
	rm -rf $(BUILD) $(VENV)
