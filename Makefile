# Every target creates .venv on first use, so a fresh machine with Python 3.11, 3.12 or 3.13
# and make is enough. The newest of those on the PATH is used; PYTHON=... chooses another.
# (Each is tried, not just looked up: a pyenv shim exists for versions it won't run.)
SUPPORTED := 3.13 3.12 3.11
ifeq ($(origin PYTHON),undefined)
PYTHON := $(firstword $(foreach v,$(SUPPORTED),$(shell python$(v) -c '' >/dev/null 2>&1 && echo python$(v))))
endif
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-pg lint format bench bench-pg axe clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11, 3.12 or 3.13 is needed: none is on the PATH (set PYTHON=... to point to one)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] < (3, 11))' 2>/dev/null || { echo "consultbot needs Python 3.11 to 3.13; '$(PYTHON)' is not one (set PYTHON=...)"; exit 1; }
	@echo "Setting up $(VENV) with $(PYTHON): the first time, pip downloads and installs about 60 packages"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/consultbot demo

# The PostgreSQL tests start a throwaway cluster from this machine's PostgreSQL binaries
# (tests/db/cluster.py) and stop it at the end; CONSULTBOT_TEST_DATABASE_URL points them at a
# server instead. Without either, `make test` says so in one line and runs everything else;
# `make test-pg` runs just the PostgreSQL tests and fails when it can't. CI always has them.
HAVE_PG := $(BIN)/python -m tests.db.cluster --find >/dev/null 2>&1 || [ -n "$$CONSULTBOT_TEST_DATABASE_URL" ]

test: $(STAMP)
	@if $(HAVE_PG); then \
		CONSULTBOT_REQUIRE_POSTGRES=1 $(BIN)/python -m pytest; \
	else \
		echo "make test: no PostgreSQL on this machine, so its tests are skipped (make test-pg runs them; CI always does)"; \
		$(BIN)/python -m pytest -m "not postgres"; \
	fi

test-pg: $(STAMP)
	@$(HAVE_PG) || { $(BIN)/python -m tests.db.cluster --find; exit 1; }
	CONSULTBOT_REQUIRE_POSTGRES=1 $(BIN)/python -m pytest -m postgres

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/consultbot prompts lint prompts/

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Benchmarks print what they measure (time, peak memory, ratios to the bare platform
# library) and assert nothing: bench/__main__.py runs them all (a few minutes on 2 cores).
bench: $(STAMP)
	$(BIN)/python -m bench --quick

# The workspace's browser tests use the system's Chromium (Debian: chromium) and axe-core from
# the npm registry (Debian: npm), fetched into tests/web/.axe on first use; this fetches it now.
axe: $(STAMP)
	$(BIN)/python -m tests.web.browser
# Slack replicas: one process against two behind a load balancer, SQLite and PostgreSQL
# (starts real bot processes and a throwaway PostgreSQL cluster: about a minute).
bench-pg: $(STAMP)
	$(BIN)/python -m bench.replicas

clean:
	rm -rf $(VENV) digests .pytest_cache .mypy_cache .ruff_cache
