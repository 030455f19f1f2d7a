# Every target creates the virtual environment it needs, so each one works on a
# fresh machine. The CPU build of torch is pinned for speed and size; see the
# README for other ways to install torch.
PYTHON ?= python3
VENV ?= .venv
TORCH ?= torch==2.13.0
PY := $(VENV)/bin/python

.PHONY: demo test docs clean

$(VENV)/.core: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet "$(TORCH)"
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.tests: $(VENV)/.core
	$(PY) -m pip install --quiet -e ".[tests]"
	touch $@

$(VENV)/.docs: $(VENV)/.core
	$(PY) -m pip install --quiet -e ".[docs]"
	touch $@

demo: $(VENV)/.core
	$(PY) examples/demo_digits.py

test: $(VENV)/.tests
	$(PY) -m ruff check .
	$(PY) -m pytest

# `make docs` (and CI) runs every gallery example as written, a few minutes on
# a CPU: what the pages show is what the code computes.
docs: $(VENV)/.docs
	$(MAKE) -C docs html SPHINXBUILD="$(abspath $(VENV))/bin/sphinx-build"

clean:
	rm -rf $(VENV) docs/_build docs/auto_examples docs/generated
