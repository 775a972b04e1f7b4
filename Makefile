# Everything is installed from scratch into .venv; nothing else is needed by hand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
SHARED ?= ../shared
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: help install office browser run test test-postgres lint format bench bench-pdf bench-hostile bench-ledger bench-web bench-crash bench-harden bench-align bench-startup bench-scale bench-exports eval clean

help:  ## list targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

# Debian ships venv's ensurepip in a separate package (python3-venv); install
# it when creating the environment fails for want of it.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV) && apt-get update && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@# An editable install writes no bytecode; with PYTHONDONTWRITEBYTECODE set, every
	@# command would compile the package's sources again (tens of ms of each start).
	$(PY) -m compileall -q src >/dev/null
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install luoshi with its dev tools

run: $(STAMP)  ## start the app on SQLite with demo data (make run PORT=8765 HOST=0.0.0.0)
	$(BIN)/luoshi demo --force --host $(HOST) --port $(PORT)

lint: $(STAMP)  ## ruff (lint + format check) and mypy
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)  ## apply ruff formatting and safe fixes
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

browser:  ## Debian's chromium and chromium-driver for the browser tests (installed if absent)
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		(apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver) || \
		echo "chromium could not be installed: the browser tests will be skipped"

test: lint office browser  ## lint, then the whole test suite (browser and LibreOffice tests included)
	$(BIN)/pytest

# The bulletin test converts a .docx with LibreOffice; Chinese text needs a CJK
# font to be drawn in the PDF. Installed once (we run as root on Debian); where
# that is impossible the test skips and says why.
office:  ## LibreOffice Writer and a CJK font for the bulletin test (apt-get, once)
	@(command -v libreoffice >/dev/null && fc-list :lang=zh | grep -q .) || \
	  (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
	    libreoffice-writer-nogui fonts-noto-cjk) || \
	  echo "LibreOffice could not be installed: the bulletin's PDF test will be skipped"

eval: $(STAMP)  ## score extraction against ../shared/eval/gold
	$(BIN)/python benchmarks/eval_gold.py --shared $(SHARED)

# Informational: each benchmark runs even when one before it misses its goal (a
# benchmark that exits 1 on a miss is ignored here, "-"; alone it keeps its status).
bench: $(STAMP)  ## extraction vs jieba; PDF; hostile input; ledger; web; align; start-up (under 10 min)
	-$(BIN)/python benchmarks/bench_extract.py --shared $(SHARED)
	-$(MAKE) --no-print-directory bench-pdf
	-$(MAKE) --no-print-directory bench-hostile
	-$(MAKE) --no-print-directory bench-ledger
	-$(MAKE) --no-print-directory bench-web
	-$(MAKE) --no-print-directory bench-align
	-$(MAKE) --no-print-directory bench-startup

bench-hostile: $(STAMP)  ## time per character of hostile inputs vs the corpus (goal <= 3x); bombs refused
	$(BIN)/python benchmarks/bench_hostile.py --shared $(SHARED)

bench-pdf: $(STAMP)  ## time reading and extracting a generated 200-page PDF (goal < 10 s)
	$(BIN)/python benchmarks/bench_pdf.py

bench-ledger: $(STAMP)  ## plan show and status roll-up with 10,000 tasks, 100,000 reports
	$(BIN)/python benchmarks/bench_ledger.py

bench-align: $(STAMP)  ## luoshi align and plan align of a district against a city (goal < 2 s); a generated province
	$(BIN)/python benchmarks/bench_align.py --shared $(SHARED) --province

bench-web: $(STAMP)  ## ledger API and dashboard p50/p95 under 20 clients, 10,000 tasks (Apache Bench)
	@command -v ab >/dev/null || \
		(apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y apache2-utils)
	$(BIN)/python benchmarks/bench_web.py --requests 1000 --budget 45

bench-startup: $(STAMP)  ## luoshi --version, extract on 1 KB and serve on the demo, beside python -c pass
	$(BIN)/python benchmarks/bench_startup.py

bench-scale: $(STAMP)  ## deadline day: 20 readers + 5 writers for 60 s on 100k tasks, SQLite then PostgreSQL (not in CI)
	$(BIN)/python benchmarks/bench_scale.py --tasks 100000
	LUOSHI_PGPORT=55499 LUOSHI_PGDATA=/tmp/luoshi-bench-pg .ci/postgres stop 2>/dev/null; rm -rf /tmp/luoshi-bench-pg
	url="$$(LUOSHI_PGPORT=55499 LUOSHI_PGDATA=/tmp/luoshi-bench-pg .ci/postgres start)" && \
		$(BIN)/python benchmarks/bench_scale.py --tasks 100000 --database-url "$$url"; \
		status=$$?; LUOSHI_PGPORT=55499 LUOSHI_PGDATA=/tmp/luoshi-bench-pg .ci/postgres stop; exit $$status

bench-exports: $(STAMP)  ## plan show --jsonl and export json/csv/xlsx as whole processes at 10k and 100k tasks: time, peak RSS (not in CI)
	$(BIN)/python benchmarks/bench_exports.py

# Not part of `make bench`: each starts servers and takes a minute or more.
bench-crash: $(STAMP)  ## kill -9 the server under 20-client report load: acknowledged and lost writes (SQLite; DATABASE_URL=postgresql+psycopg://… for PostgreSQL)
	$(BIN)/python benchmarks/bench_crash.py $(if $(DATABASE_URL),--database-url $(DATABASE_URL))

bench-harden: $(STAMP)  ## hostile workbooks, a login flood, hostile uploads, the cost of syncing SQLite commits
	$(BIN)/python benchmarks/bench_workbooks.py
	$(BIN)/python benchmarks/bench_logins.py
	$(BIN)/python benchmarks/bench_uploads.py
	$(BIN)/python benchmarks/bench_durability.py

test-postgres: $(STAMP)  ## the ledger tests on a throwaway local PostgreSQL (installs it if absent)
	LUOSHI_TEST_DATABASE_URL="$$(.ci/postgres start)" $(BIN)/pytest -m postgres

clean:  ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
