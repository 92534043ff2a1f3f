# `make demo`: install what is missing, then parse the sample corpus and print a summary.
# `make test`: install what is missing, then run the test suite.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test system venv bench clean

demo: system $(STAMP)
	$(VENV)/bin/kehoach demo

test: system $(STAMP)
	OMP_THREAD_LIMIT=1 $(PY) -m pytest -q

system:
	bash scripts/install-system.sh

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

bench: system $(STAMP)
	$(PY) bench/parse.py

clean:
	rm -rf $(VENV) .pytest_cache
