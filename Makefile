# The two commands a new user needs: `make run` (the demo) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test lint format lock migrate clean

$(VENV)/bin/python:
	$(PYTHON) -c 'import sys; sys.exit("需要 Python 3.11 或更新版本" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install -q --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed-run
	$(VENV)/bin/pip install -q --require-hashes -r requirements-dev.txt
	touch $@

migrate: $(VENV)/.installed-run
	$(PY) manage.py migrate --noinput

run: migrate
	@scripts/ensure-system-packages.sh fonts
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed-dev
	@scripts/ensure-system-packages.sh fonts chromium
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	scripts/audit-dependencies.sh
	$(VENV)/bin/pytest

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Re-pin after editing pyproject.toml.
lock: $(VENV)/.installed-dev
	$(VENV)/bin/pip install -q uv
	$(VENV)/bin/uv pip compile -q pyproject.toml -o requirements.txt --python-version 3.11 --generate-hashes
	$(VENV)/bin/uv pip compile -q pyproject.toml --extra dev -o requirements-dev.txt --python-version 3.11 --generate-hashes

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
