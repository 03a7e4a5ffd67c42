# The two commands a newcomer needs: `make run` and `make test`.
.PHONY: run test lint format

run:  ## the site with the seeded campaign on http://127.0.0.1:8000 (SQLite, no server needed)
	./bin/venv
	./bin/dev

test:  ## the whole test suite against PostgreSQL on 127.0.0.1:5432, plus the linter
	./bin/system-packages
	./bin/venv
	.venv/bin/pytest $(PYTEST_ARGS)
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	./bin/venv
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .
