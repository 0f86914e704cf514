# Two commands for a new user: `make run` and `make test`.  Everything else is a step of those.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint unit e2e bench install install-test node wheel system-deps clean

run: install node
	$(PY) -m app --host $(HOST) --port $(PORT)

test: install-test node system-deps lint
	$(PY) -m pytest -q tests

# Every test that needs neither a browser nor the container images: a minute or two.
unit: install-test node lint
	$(PY) -m pytest -q tests --ignore=tests/e2e --ignore=tests/system/test_container.py \
		--ignore=tests/system/test_compose_up.py

lint: install-test
	$(VENV)/bin/ruff check app tests bench setup.py
	$(VENV)/bin/ruff format --check app tests bench setup.py
	$(VENV)/bin/hadolint --failure-threshold warning Dockerfile

# The virtual environment is rebuilt only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The page's modules as one script and its styles as one sheet: rebuilt when one changed (the server serves the modules
# themselves while it is out of date).
build/static/main.js: node_modules/.package-lock.json scripts/bundle.mjs $(shell find static -name '*.js' -o -name '*.css')
	node scripts/bundle.mjs

node: node_modules/.package-lock.json build/static/main.js

# dist/backprop_explainer-*.whl: the app as the package backprop_explainer, carrying the page, its
# templates and its front-end libraries (setup.py copies them in), so that it runs with no Node.
wheel: install node
	rm -rf build/wheel dist
	$(PY) -m pip wheel --quiet --no-deps --wheel-dir dist .

# Measures the core, the step endpoint, play mode and sessions in Redis in one run and rewrites
# BENCHMARKS.md (about five minutes).  OPENBLAS_CORETYPE, set on some machines for old OpenBLAS builds,
# slows this NumPy's OpenBLAS, so it is unset for this command alone.
bench: install
	$(PY) -m pip install --quiet -e ".[bench]"
	bash scripts/system-deps.sh wrk redis-server
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 $(PY) -m bench --out BENCHMARKS.md

system-deps:
	bash scripts/system-deps.sh chromium podman buildah runc debootstrap redis-server nginx wrk \
		podman-compose golang-github-containernetworking-plugin-dnsname

clean:
	rm -rf $(VENV) node_modules build dist .pytest_cache test-artifacts
