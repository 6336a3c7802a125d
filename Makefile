# The two commands of the README: `make demo` and `make test`. Both install what they need first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SITE_DB ?= data/recalls.db
PORT ?= 8001
DATASETTE_SETTINGS := --setting sql_time_limit_ms 3000 --setting max_returned_rows 2000 \
	--setting allow_download off --setting facet_time_limit_ms 500

.PHONY: install demo crawl-snapshot serve test lint bench clean

install: $(INSTALLED)

$(INSTALLED): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(INSTALLED)

# Build data/recalls.db from the bundled snapshot (no network), then serve it.
demo: crawl-snapshot serve

crawl-snapshot: install
	RECALLWATCH_SNAPSHOT_REPLAY=1 RECALLWATCH_DOWNLOAD_DELAY=0 $(BIN)/scrapy crawlall \
		-s AUTOTHROTTLE_ENABLED=0 -s LOG_LEVEL=WARNING || echo "Some sources failed: see the table above."

serve: install
	$(BIN)/datasette serve $(SITE_DB) -m metadata.yml --plugins-dir plugins -h 127.0.0.1 -p $(PORT) $(DATASETTE_SETTINGS)

test: install lint
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

clean:
	rm -rf data/recalls.db data/recalls.db-* data/archive
