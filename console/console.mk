# SPDX-License-Identifier: GPL-2.0
# The console (included by the top-level Makefile: TOP, BUILD, VERSION).
#   make console            Release build: $(BUILD)/console/procsentry-console
#   make test-console-unit  unit tests (ctest) under ASan/UBSan, the store's suite again against a
#                           throwaway PostgreSQL cluster, then each fuzzer for CONSOLE_FUZZ_SECONDS
#   make test-console-unit-plain  the same tests in the Release build
CONSOLE_DIR := $(TOP)/console
CONSOLE_BUILD := $(BUILD)/console
CONSOLE_ASAN_BUILD := $(BUILD)/console-asan
CONSOLE_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CONSOLE_FUZZ_BUILD := $(BUILD)/console-fuzz
CONSOLE_FUZZ_SECONDS ?= 10
CONSOLE_FUZZERS := fuzz_console_config fuzz_alert_ingest fuzz_request_body

.PHONY: console console-configure test-console-unit test-console-unit-plain test-console-unit-asan \
	test-console-unit-fuzz test-console-unit-pg

console-configure:
	cmake -S $(CONSOLE_DIR) -B $(CONSOLE_BUILD) -DCMAKE_BUILD_TYPE=Release -DPROCSENTRY_VERSION=$(VERSION)

console: console-configure
	cmake --build $(CONSOLE_BUILD) -j$(CONSOLE_JOBS) --target procsentry-console

# make test runs the unit tests under ASan/UBSan only (a superset of the plain run, and the console's
# test programs are slow to compile twice); test-console-unit-plain stays for development.
test-console-unit: test-console-unit-asan test-console-unit-pg test-console-unit-fuzz

test-console-unit-plain: console-configure
	cmake --build $(CONSOLE_BUILD) -j$(CONSOLE_JOBS)
	cd $(CONSOLE_BUILD) && ctest --output-on-failure

# The store's suite once more against a throwaway PostgreSQL cluster (tests/console/pg).
test-console-unit-pg: test-console-unit-asan
	set -e; d=$$(mktemp -d /tmp/procsentry-pg.XXXXXX); rmdir $$d; \
	conn=$$(bash $(TOP)/tests/console/pg/pg-cluster.sh start $$d); rc=0; \
	PROCSENTRY_PG_TEST_CONNINFO="$$conn" ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		$(CONSOLE_ASAN_BUILD)/test_console_store --gtest_brief=1 || rc=$$?; \
	bash $(TOP)/tests/console/pg/pg-cluster.sh stop $$d; exit $$rc

test-console-unit-asan:
	cmake -S $(CONSOLE_DIR) -B $(CONSOLE_ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCONSOLE_SANITIZE=ON \
		-DPROCSENTRY_VERSION=$(VERSION)
	cmake --build $(CONSOLE_ASAN_BUILD) -j$(CONSOLE_JOBS)
	cd $(CONSOLE_ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure

test-console-unit-fuzz:
	CC=clang CXX=clang++ cmake -S $(CONSOLE_DIR) -B $(CONSOLE_FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DCMAKE_CXX_COMPILER=clang++ -DCONSOLE_FUZZ=ON
	cmake --build $(CONSOLE_FUZZ_BUILD) -j$(CONSOLE_JOBS) --target $(CONSOLE_FUZZERS)
	set -e; cd $(CONSOLE_FUZZ_BUILD); for f in $(CONSOLE_FUZZERS); do \
		mkdir -p corpus/$$f artifacts/$$f; \
		echo "== $$f ($(CONSOLE_FUZZ_SECONDS) s)"; \
		rc=0; ./$$f -max_total_time=$(CONSOLE_FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix=artifacts/$$f/ corpus/$$f $(CONSOLE_DIR)/etc >$$f.log 2>&1 || rc=$$?; \
		tail -n 6 $$f.log; \
		test $$rc -eq 0 || { echo "$$f failed (rc $$rc): see $(CONSOLE_FUZZ_BUILD)/$$f.log and artifacts/$$f"; exit 1; }; \
	done
