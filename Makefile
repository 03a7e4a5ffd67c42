# The two commands a newcomer needs: `make run` and `make test`.
.PHONY: run test quick format bench

run:  ## the site with the seeded campaign on http://127.0.0.1:8000 (SQLite, no server needed)
	./bin/venv
	./bin/dev

test:  ## the whole test suite against PostgreSQL on 127.0.0.1:5432, then the type checker and the linter
	./bin/system-packages
	./bin/node-packages
	./bin/venv
	.venv/bin/pytest $(PYTEST_ARGS)
	.venv/bin/mypy
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

quick:  ## the fast tier only (no browser or system tests), then the type checker and the linter
	./bin/venv
	.venv/bin/pytest -m "not slow" $(PYTEST_ARGS)
	.venv/bin/mypy
	.venv/bin/ruff check .

format:
	./bin/venv
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

bench:  ## load benchmark on loopback (needs wrk, PostgreSQL, Redis); see docs/benchmarks.md
	./bin/venv
	.venv/bin/python -m bench.run
