# SPDX-License-Identifier: GPL-2.0
# Console integration tests (included by the top-level Makefile: TOP, BUILD, VERSION).
#   make test-console-api    API suite against a real console and 3 real procsentryd agents fed
#                            with recorded kernel records: SQLite, then PostgreSQL (a throwaway
#                            cluster started by the test)
#   make test-console-load   200 simulated agents, 1000 alerts/s for 30 s over TLS; nothing lost
#   make bench-console       the same, longer (BENCH_CONSOLE_SECONDS, default 120), then the
#                            incident-list queries at 1 M alerts (bench/console/run.sh); writes
#                            $(BUILD)/bench/console/*.json (numbers for docs/PERFORMANCE.md)
CONSOLE_TESTS_DIR := $(TOP)/tests/console
CONSOLE_TESTS_ENV := BUILD=$(BUILD) PROCSENTRY_CONSOLE=$(BUILD)/console/procsentry-console \
	PROCSENTRY_DAEMON_DIR=$(BUILD)/daemon
BENCH_CONSOLE_SECONDS ?= 120
BENCH_CONSOLE_AGENTS ?= 200
BENCH_CONSOLE_RATE ?= 1000

.PHONY: test-console-api test-console-api-sqlite test-console-api-pg test-console-load bench-console \
	test-console-integration

# `make test` runs test-console: the API suite on SQLite and PostgreSQL, the load test, the browser
# tests and the QEMU end to end (tests/console/vm/vm.mk).
.PHONY: test-console
test-console-integration: test-console-api test-console-load
test-console: console daemon
	$(MAKE) test-console-api test-console-load test-console-browser test-console-vm

test-console-api: console daemon
	$(MAKE) test-console-api-sqlite
	$(MAKE) test-console-api-pg

test-console-api-sqlite:
	$(CONSOLE_TESTS_ENV) python3 $(CONSOLE_TESTS_DIR)/api/run.py --store sqlite

test-console-api-pg:
	$(CONSOLE_TESTS_ENV) python3 $(CONSOLE_TESTS_DIR)/api/run.py --store postgresql

test-console-load: console
	$(CONSOLE_TESTS_ENV) python3 $(CONSOLE_TESTS_DIR)/load/run_load.py --agents 200 --rate 1000 \
		--duration 30 --json $(BUILD)/console-tests/load.json --assert

bench-console: console
	BUILD=$(BUILD) BENCH_CONSOLE_SECONDS=$(BENCH_CONSOLE_SECONDS) \
		BENCH_CONSOLE_AGENTS=$(BENCH_CONSOLE_AGENTS) BENCH_CONSOLE_RATE=$(BENCH_CONSOLE_RATE) \
		bash $(TOP)/bench/console/run.sh all

# Browser tests (tests/console/browser): the UI in headless Chromium against a real console and two
# real procsentryd agents; needs Debian's chromium and chromium-driver. Screenshots of every view:
# $(BUILD)/console-tests/browser.
.PHONY: test-console-browser
test-console-browser: console daemon
	$(CONSOLE_TESTS_ENV) PROCSENTRY_BROWSER_OUT=$(BUILD)/console-tests/browser \
		python3 $(CONSOLE_TESTS_DIR)/browser/run.py -v
