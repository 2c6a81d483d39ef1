# SPDX-License-Identifier: GPL-2.0
# Daemon and tools (included by the top-level Makefile: TOP, BUILD).
#   make daemon         Release (-O2) build: $(BUILD)/daemon/procsentryd, procsentryctl and
#                       procsentry-dump (static when libnl .a exist)
#   make test-unit      unit tests (ctest), the same under ASan/UBSan, then each fuzzer for FUZZ_SECONDS
#   make daemon-static  procsentry-dump linked statically (fails if that is impossible)
DAEMON_DIR := $(TOP)/daemon
DAEMON_BUILD := $(BUILD)/daemon
DAEMON_ASAN_BUILD := $(BUILD)/daemon-asan
DAEMON_FUZZ_BUILD := $(BUILD)/daemon-fuzz
DAEMON_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 15
FUZZERS := fuzz_decoder fuzz_json fuzz_replay fuzz_genl fuzz_config

.PHONY: daemon daemon-static daemon-configure test-unit test-unit-plain test-unit-asan test-unit-fuzz

daemon-configure:
	cmake -S $(DAEMON_DIR) -B $(DAEMON_BUILD) -DCMAKE_BUILD_TYPE=Release -DPROCSENTRY_VERSION=$(VERSION)

daemon: daemon-configure
	cmake --build $(DAEMON_BUILD) -j$(DAEMON_JOBS) --target procsentryd procsentryctl procsentry-dump

daemon-static: daemon
	@file $(DAEMON_BUILD)/procsentry-dump | grep -q 'statically linked' || \
		{ echo "procsentry-dump is not static (libnl-3/libnl-genl-3 .a missing?)"; exit 1; }

test-unit: test-unit-plain test-unit-asan test-unit-fuzz

test-unit-plain: daemon-configure
	cmake --build $(DAEMON_BUILD) -j$(DAEMON_JOBS)
	cd $(DAEMON_BUILD) && ctest --output-on-failure

test-unit-asan:
	cmake -S $(DAEMON_DIR) -B $(DAEMON_ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DPROCSENTRY_SANITIZE=ON
	cmake --build $(DAEMON_ASAN_BUILD) -j$(DAEMON_JOBS)
	cd $(DAEMON_ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure

test-unit-fuzz:
	@printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' | \
		clang++ -x c++ -fsanitize=fuzzer,address,undefined -o /dev/null - 2>/dev/null || \
		{ echo "test-unit-fuzz: clang++ cannot link -fsanitize=fuzzer (apt-get install clang libclang-rt-dev)"; exit 1; }
	CC=clang CXX=clang++ cmake -S $(DAEMON_DIR) -B $(DAEMON_FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DCMAKE_CXX_COMPILER=clang++ -DPROCSENTRY_FUZZ=ON
	cmake --build $(DAEMON_FUZZ_BUILD) -j$(DAEMON_JOBS)
	mkdir -p $(DAEMON_FUZZ_BUILD)/seeds/decoder $(DAEMON_FUZZ_BUILD)/seeds/replay $(DAEMON_FUZZ_BUILD)/seeds/genl \
		$(DAEMON_FUZZ_BUILD)/seeds/config
	cp $(DAEMON_DIR)/etc/procsentry.json $(DAEMON_FUZZ_BUILD)/seeds/config/
	$(DAEMON_FUZZ_BUILD)/make_seeds $(DAEMON_FUZZ_BUILD)/seeds/decoder $(DAEMON_FUZZ_BUILD)/seeds/replay \
		$(DAEMON_FUZZ_BUILD)/seeds/genl
	set -e; cd $(DAEMON_FUZZ_BUILD); for f in $(FUZZERS); do \
		mkdir -p corpus/$$f artifacts/$$f; \
		case $$f in fuzz_decoder) seeds=seeds/decoder;; fuzz_replay) seeds=seeds/replay;; fuzz_genl) seeds=seeds/genl;; fuzz_config) seeds=seeds/config;; *) seeds=;; esac; \
		echo "== $$f ($(FUZZ_SECONDS) s)"; \
		rc=0; ./$$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix=artifacts/$$f/ corpus/$$f $$seeds >$$f.log 2>&1 || rc=$$?; \
		tail -n 14 $$f.log; \
		test $$rc -eq 0 || { echo "$$f failed (rc $$rc): see $(DAEMON_FUZZ_BUILD)/$$f.log and artifacts/$$f"; exit 1; }; \
	done
