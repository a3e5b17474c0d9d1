# Two commands matter: `make demo` (crawl the bundled sample site into ./archive) and `make test`.
# Both bootstrap .venv from pyproject.toml and the pinned constraints.txt on a machine with python3 and make.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest bench bench-quality clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

# pywb, for the test that replays a captured page: it pins redis<3, which cannot share a virtualenv
# with scrapy-redis, so it gets one of its own (versions pinned in constraints-pywb.txt).
PYWB_VENV := .venv-pywb
PYWB_STAMP := $(PYWB_VENV)/.installed

$(PYWB_STAMP): constraints-pywb.txt
	test -x $(PYWB_VENV)/bin/python || $(PYTHON) -m venv $(PYWB_VENV)
	$(PYWB_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -c constraints-pywb.txt pywb
	touch $(PYWB_STAMP)

demo: $(STAMP)
	$(BIN)/python -m crawler.demo $(ARGS)

test: lint typecheck pytest

# ruff, and the import contracts in pyproject.toml: imports point one way (crawler/__init__.py).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) $(PYWB_STAMP)
	PYWB_VENV=$(abspath $(PYWB_VENV)) $(BIN)/python -m pytest $(PYTEST_ARGS)

# Throughput: crawl N generated pages end to end (local directory and local S3 server) against the
# ceiling of extraction alone on every core; prints pages/s, ratios, CPU s/page, peak memory.
#   make bench                 N=2,000 and N=20,000 (about 17 minutes on 2 cores)
#   make bench SIZES=2000 ARGS=--skip-s3
# Then reading loose records against compacted days (newsarchive download before and after
# newsarchive compact): wall time and requests, 100,000 records in a directory, 10,000 on S3.
#   make bench COMPACTION_ARGS="20000 --s3 0"
# Then a revisit run of due URLs (REVISIT_ARGS), and rendering (ARCHIVE_RENDER): 200 app-shell pages in
# the browser, and a static site of 2,000 pages with ARCHIVE_RENDER off and auto (RENDER_ARGS).
#   make bench RENDER_ARGS="200 --static 2000 --repeat 2"
# Then stories: 1,000,000 fingerprints grouped (time, peak memory; about 3 minutes and 4.5 GiB), and the
# fingerprint's cost per page against extraction's (STORIES_ARGS, e.g. "--records 200000 --pages 300").
SIZES ?= 2000 20000
COMPACTION_ARGS ?= 100000 --s3 10000
bench: $(STAMP)
	$(BIN)/python tests/benchmarks/throughput.py $(SIZES) $(ARGS)
	$(BIN)/python tests/benchmarks/compaction.py $(COMPACTION_ARGS)
	$(BIN)/python tests/benchmarks/revisits.py $(REVISIT_ARGS)
	$(BIN)/python tests/benchmarks/rendering.py $(RENDER_ARGS)
	$(BIN)/python tests/benchmarks/stories.py $(STORIES_ARGS)

# Extraction quality against a folder of pages with expected text, e.g.
#   make bench-quality DATA=../shared/datasets/article-extraction-benchmark
# and, with READABILITY=path/to/readability/test-pages, also against mozilla/readability's test pages.
bench-quality: $(STAMP)
	@test -n "$(DATA)" || { echo "usage: make bench-quality DATA=path/to/article-extraction-benchmark"; exit 2; }
	$(BIN)/python tests/benchmarks/quality.py $(DATA) $(ARGS)
	$(BIN)/python tests/benchmarks/metadata.py
	$(if $(READABILITY),$(BIN)/python tests/benchmarks/readability.py $(READABILITY))

clean:
	rm -rf $(VENV) $(PYWB_VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
