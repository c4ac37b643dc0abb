# Everyday commands.  A fresh machine needs only python3 and make: `make
# demo` brings uv and the locked Python packages (all the demo uses); `make
# install` and `make test` also Chromium and PostgreSQL, which the tests drive.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# uv cannot download a Python here, so it always uses the machine's python3,
# named by its real path: given a pyenv shim, uv sees "another" interpreter
# and rebuilds .venv on every sync.
PYTHON := $(shell python3 -c "import sys; print(sys.executable)")
# `uv` on PATH if there is one, otherwise the copy pip installs (the uv wheel
# also runs as `python3 -m uv`, which needs no PATH or pyenv rehash).
# Recursive (=) on purpose: re-evaluated after `install` has put uv in place.
UV = $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
# PYTHONDONTWRITEBYTECODE, set in some environments, makes every pytest
# start recompile Django; bytecode is compiled once at sync time instead.
RUN = env -u PYTHONDONTWRITEBYTECODE $(UV) run --frozen
CHROMIUM := /usr/bin/chromium
# Only the folders that exist: ruff fails on a missing path (git keeps no
# empty folder, so benchmarks/ is absent until it has files).
LINT_PATHS := $(wildcard src tests benchmarks conftest.py)

.PHONY: help install python-packages test test-sqlite test-postgresql demo lint format bench bench-country api-fuzz

help:
	@echo "make install          cài uv, các gói Python (uv.lock), Chromium và PostgreSQL"
	@echo "make test             chạy toàn bộ kiểm thử trên SQLite rồi trên PostgreSQL"
	@echo "make test-sqlite      chỉ chạy trên SQLite"
	@echo "make test-postgresql  chỉ chạy trên PostgreSQL (cụm tạm thời hoặc DATABASE_URL)"
	@echo "make demo             dựng dữ liệu mẫu và chạy thử (chỉ cài uv và các gói Python)"
	@echo "make lint             kiểm tra mã bằng ruff"
	@echo "make format           định dạng mã bằng ruff"
	@echo "make bench            chạy đo hiệu năng"
	@echo "make bench-country    đo dữ liệu tổng hợp quy mô toàn quốc nạp bằng COPY (PostgreSQL)"
	@echo "make api-fuzz         schemathesis (dòng lệnh) với máy chủ đang chạy trên dữ liệu mẫu"

install: python-packages
	@$(MAKE) --no-print-directory system-packages

# uv and the locked Python packages: everything `dangbo` itself (and the demo) runs on.
python-packages:
	@if ! command -v uv >/dev/null 2>&1 && ! $(PYTHON) -m uv --version >/dev/null 2>&1; then \
		echo "==> Cài uv"; \
		$(PYTHON) -m pip install --quiet uv \
			|| $(PYTHON) -m pip install --quiet --user --break-system-packages uv; \
	fi
	@echo "==> Cài các gói Python theo uv.lock"
	UV_COMPILE_BYTECODE=1 $(UV) sync --locked --python "$(PYTHON)"

# Debian packages the tests drive: Chromium for browser tests, PostgreSQL
# for the second test run.  Installed only when missing, and only as root;
# otherwise the browser tests skip (or fail under CI) and say why.
.PHONY: system-packages
system-packages:
	@missing=""; \
	[ -x "$(CHROMIUM)" ] || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "==> Cài gói Debian:$$missing"; \
		apt-get update -qq; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
		echo "!! Thiếu gói Debian:$$missing — cần quyền root: sudo apt-get install$$missing"; \
		echo "!! Không có Chromium thì các kiểm thử trình duyệt bị bỏ qua;"; \
		echo "!! không có PostgreSQL thì cần DATABASE_URL cho lượt chạy PostgreSQL."; \
	fi

# Both databases run even if the first fails, so one `make test` shows every
# failure; the target still fails if either run did.
test: install
	@status=0; \
	$(MAKE) --no-print-directory test-sqlite || status=1; \
	$(MAKE) --no-print-directory test-postgresql || status=1; \
	if [ $$status -ne 0 ]; then echo "==> CÓ LỖI trong ít nhất một lượt kiểm thử"; fi; \
	exit $$status

test-sqlite:
	@echo
	@echo "================ Kiểm thử trên SQLite ================"
	DANGBO_TEST_DB=sqlite $(RUN) pytest $(PYTEST_ARGS)

test-postgresql:
	@echo
	@echo "================ Kiểm thử trên PostgreSQL ================"
	DANGBO_TEST_DB=postgresql $(RUN) pytest $(PYTEST_ARGS)

# The demo needs no browser and no PostgreSQL server: the Python packages only.
demo: python-packages
	$(RUN) dangbo demo

lint:
	$(RUN) ruff check $(LINT_PATHS)
	$(RUN) ruff format --check $(LINT_PATHS)

format:
	$(RUN) ruff check --fix $(LINT_PATHS)
	$(RUN) ruff format $(LINT_PATHS)

# schemathesis from the command line against a live `dangbo serve` on a throwaway
# demo database (its own folder and port), with an administrator's API token; the
# same checks run in-process in `make test` (tests/test_api_schema.py).  The server
# and its task worker run in their own process group, stopped at the end.
API_FUZZ_PORT ?= 8765
API_FUZZ_EXAMPLES ?= 10
API_FUZZ_TOKEN = from django.contrib.auth import get_user_model; \
	from dangbo.accounts.services import issue_token; \
	print(issue_token(actor=None, user=get_user_model().objects.get(username='admin'), name='api-fuzz')[1])
api-fuzz: python-packages
	@dir=$$(mktemp -d); pid=; \
	trap 'if [ -n "$$pid" ]; then kill -- -$$pid 2>/dev/null; fi; rm -rf "$$dir"' EXIT; \
	export DANGBO_DATA_DIR="$$dir"; \
	echo "==> Dữ liệu mẫu trong $$dir"; \
	$(RUN) dangbo demo --no-serve --members 100 >/dev/null; \
	token=$$($(RUN) dangbo shell --no-imports -c "$(API_FUZZ_TOKEN)"); \
	setsid $(RUN) dangbo serve 127.0.0.1:$(API_FUZZ_PORT) >"$$dir/serve.log" 2>&1 & pid=$$!; \
	url=http://127.0.0.1:$(API_FUZZ_PORT)/api/v1/openapi.json; \
	for i in $$(seq 100); do $(PYTHON) -c "import urllib.request as u; u.urlopen('$$url')" \
		2>/dev/null && break; sleep 0.2; done; \
	$(RUN) st run "$$url" --checks all -n $(API_FUZZ_EXAMPLES) -H "Authorization: Bearer $$token"

# BENCH_MEMBERS=100000 for a quicker run; each suite prints its baselines, writes its
# results to BENCH_RESULTS_DIR (a fresh temporary folder unless given) and, at the end,
# one table marks every goal (`python -m benchmarks --summary DIR`). A suite that fails
# does not stop the others: its rows say "chưa đo" and the target fails at the end.
BENCH_MEMBERS ?= 500000
# The indicator set is also measured at 50.000 members (empty: only BENCH_MEMBERS).
BENCH_SMALL_MEMBERS ?= 50000
# The list under load (20 clients through `dangbo serve` on loopback) builds its own demo.
BENCH_LIST_MEMBERS ?= $(BENCH_MEMBERS)
# The month grid and year roll-up of a synthetic province of that many cells (a year of
# meetings loaded with COPY, PostgreSQL only), without building the demo at that size.
BENCH_GRID_CELLS ?= 25000
BENCH_RESULTS_DIR ?=
bench: python-packages
	@dir="$(BENCH_RESULTS_DIR)"; [ -n "$$dir" ] || dir=$$(mktemp -d -t dangbo-bench-XXXXXX); \
	mkdir -p "$$dir"; export BENCH_RESULTS_DIR="$$dir"; status=0; \
	echo "==> Kết quả đo ghi vào $$dir"; \
	for size in $$(echo $(BENCH_SMALL_MEMBERS) $(BENCH_MEMBERS) | tr ' ' '\n' | sort -nu); do \
		$(RUN) python -m benchmarks --members $$size --db both --suite queries || status=1; \
	done; \
	$(RUN) python -m benchmarks --members $(BENCH_MEMBERS) --db both --suite import || status=1; \
	$(RUN) python -m benchmarks --members $(BENCH_LIST_MEMBERS) --db postgresql --suite lists || status=1; \
	$(RUN) python -m benchmarks --members $(BENCH_MEMBERS) --db both --suite meetings || status=1; \
	$(RUN) python -m benchmarks --suite grid --db postgresql --cells $(BENCH_GRID_CELLS) || status=1; \
	$(RUN) python -m benchmarks --members $(BENCH_MEMBERS) --suite exchange || status=1; \
	$(MAKE) --no-print-directory bench-country || status=1; \
	$(RUN) python -m benchmarks --summary "$$dir"; \
	exit $$status

# A synthetic national registry (tree in the country's proportions, members with their
# periods) loaded with COPY into a scratch PostgreSQL database; the as-of member indicators
# for the country and two provinces (docs/scaling.md).  About 1 GB of disk per million.
BENCH_COUNTRY_MEMBERS ?= 2000000
bench-country: python-packages
	$(RUN) python -m benchmarks --suite country --db postgresql --members $(BENCH_COUNTRY_MEMBERS) --repeat 3
