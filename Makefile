# seekreel — the two commands on a fresh machine are `make demo` and `make test`.
# Every target first runs scripts/setup.sh, which installs only what is missing.
VENV := .venv
BIN := $(VENV)/bin
DEMO_PROMPT := A 6-second title card for a podcast called 'Frame by Frame', episode 42, with the host name Kira Tanaka. Dark background, orange accent for the episode number.
PYTEST_ARGS ?=

.PHONY: setup demo test test-postgres lint typecheck bench clean

setup:
	@bash scripts/setup.sh

demo: setup
	@mkdir -p out
	$(BIN)/seekreel generate "$(DEMO_PROMPT)" -o out/demo.mp4 --draft-out out/demo.html
	@echo "demo video: $(CURDIR)/out/demo.mp4"

# The service tests that run a second time on PostgreSQL (one throwaway server the tests start).
# The OpenAPI contract test is left to the SQLite run: it checks the HTTP layer, not storage.
POSTGRES_TESTS := $(filter-out tests/test_api_schema.py,$(wildcard tests/test_api_*.py)) \
	tests/test_jobs.py tests/test_projects.py tests/test_migrations.py tests/test_storyboard_api.py

# The whole suite: the linter, the formatter's check and the type checker first (fast, and a
# failure there fails CI as surely as a failing test), then pytest on SQLite, then the service
# tests again on PostgreSQL.
test: setup
	$(MAKE) --no-print-directory lint typecheck
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)
	$(BIN)/python -m pytest -q --database postgresql $(POSTGRES_TESTS) $(PYTEST_ARGS)

test-postgres: setup
	$(BIN)/python -m pytest -q --database postgresql $(POSTGRES_TESTS) $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check sandbox service tests scripts
	$(BIN)/ruff format --check sandbox service tests scripts

typecheck: setup
	$(BIN)/mypy

# Rendering (the shared compositions, against the reference renderer), then narrated storyboards,
# then the render farm (embedded vs 1 and 2 worker processes, and the fan-out's overhead).
bench: setup
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_story.py
	$(BIN)/python scripts/bench_scale.py
	$(BIN)/python scripts/bench_farm.py

clean:
	rm -rf out .pytest_cache
