# Two commands for a newcomer: `make demo` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_WORKERS ?= 600
DEMO_TASKS := django_tasks_db.DatabaseBackend

.PHONY: demo test setup lint

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml package.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@if command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --silent; \
	else echo "npm not found: pages work without htmx's partial updates"; fi
	@touch $@

demo: setup
	$(BIN)/dualcert migrate --noinput
	$(BIN)/dualcert load_catalog
	$(BIN)/dualcert seed_demo --workers $(DEMO_WORKERS)
	@# Long work (imports, exports, batch printing) runs in a task worker beside the server.
	TASKS_BACKEND=$(DEMO_TASKS) $(BIN)/dualcert db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	TASKS_BACKEND=$(DEMO_TASKS) $(BIN)/dualcert runserver 127.0.0.1:8000

test: setup
	$(BIN)/ruff check .
	$(BIN)/mypy dualcert
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy dualcert
