# SPDX-License-Identifier: GPL-2.0
# The console (included by the top-level Makefile: TOP, BUILD, VERSION).
#   make console            Release build: $(BUILD)/console/procsentry-console
#   make test-console-unit  unit tests (ctest) plain and under ASan/UBSan (SQLite, and PostgreSQL when
#                           PROCSENTRY_PG_TEST_CONNINFO names a database)
CONSOLE_DIR := $(TOP)/console
CONSOLE_BUILD := $(BUILD)/console
CONSOLE_ASAN_BUILD := $(BUILD)/console-asan
CONSOLE_JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: console console-configure test-console-unit test-console-unit-plain test-console-unit-asan

console-configure:
	cmake -S $(CONSOLE_DIR) -B $(CONSOLE_BUILD) -DCMAKE_BUILD_TYPE=Release -DPROCSENTRY_VERSION=$(VERSION)

console: console-configure
	cmake --build $(CONSOLE_BUILD) -j$(CONSOLE_JOBS) --target procsentry-console

test-console-unit: test-console-unit-plain test-console-unit-asan

test-console-unit-plain: console-configure
	cmake --build $(CONSOLE_BUILD) -j$(CONSOLE_JOBS)
	cd $(CONSOLE_BUILD) && ctest --output-on-failure

test-console-unit-asan:
	cmake -S $(CONSOLE_DIR) -B $(CONSOLE_ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCONSOLE_SANITIZE=ON \
		-DPROCSENTRY_VERSION=$(VERSION)
	cmake --build $(CONSOLE_ASAN_BUILD) -j$(CONSOLE_JOBS)
	cd $(CONSOLE_ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure
