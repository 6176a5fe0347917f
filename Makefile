# FiberOps: `make run` runs the whole system on a simulated operator; `make test` tests it.
SHELL := /bin/bash
UV := python3 -m uv
# pytest workers (pytest-xdist): one per core of a 2-core CI machine; PYTEST_WORKERS=0 runs serially
PYTEST_WORKERS ?= 2
export DO_NOT_TRACK := 1
export DAGSTER_DISABLE_TELEMETRY := 1

.PHONY: install run test lint typecheck pytest clean

install:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet "uv==0.13.8"
	$(UV) sync --frozen

run: install
	$(UV) run --frozen fiberops up

lint: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

typecheck: install
	$(UV) run --frozen mypy .

pytest: install
	$(UV) run --frozen pytest -n $(PYTEST_WORKERS) --dist loadscope

test: lint typecheck pytest

clean:
	rm -rf data dbt_project/target dbt_project/logs .pytest_cache .mypy_cache .ruff_cache
