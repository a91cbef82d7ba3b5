# The README's two commands: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test venv assets lock lint

run: venv assets
	$(PY) scripts/run.py

test: venv assets
	$(PY) scripts/test.py $(ARGS)

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

assets:
	scripts/assets.sh

# Re-pin every dependency after changing pyproject.toml.
lock:
	$(PY) -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print("\n".join(p["dependencies"] + p["optional-dependencies"]["dev"]))' > .lock-input
	$(PY) -m pip install --quiet -r .lock-input && rm .lock-input
	$(PY) -m pip freeze > requirements.lock

lint:
	$(VENV)/bin/ruff check .
