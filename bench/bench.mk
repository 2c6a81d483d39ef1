# SPDX-License-Identifier: GPL-2.0
# Benchmark (included by the top-level Makefile: TOP, BUILD, KERNEL).
#
#   make bench [KERNEL=6.1]   one QEMU/TCG guest, one vCPU, instruction-count clock; rotates
#                             the configurations of docs/PERFORMANCE.md for 5 rounds, prints the
#                             table and rewrites the Results section of docs/PERFORMANCE.md.
#
# Knobs (environment): BENCH_ROUNDS, BENCH_CONFIGS, BENCH_EXEC_N, BENCH_GETPPID_N,
# BENCH_SETRESUID_N, BENCH_CAP_NS, BENCH_RATE, BENCH_LAT_N, BENCH_LAT_RATE, BENCH_TIMEOUT,
# BENCH_NO_HOST=1, BENCH_NO_DOC=1 (see bench/run-bench.sh).  The daemon's host part runs
# procsentry_pipeline_bench and procsentryd --replay from $(BUILD)/daemon (Release).  Not a pass/fail test: it fails only when the guest does not finish.

.PHONY: bench

bench:
	$(MAKE) deps
	$(MAKE) daemon || echo "bench: 'make daemon' failed: using whatever $(BUILD)/daemon holds"
	cmake --build $(BUILD)/daemon -j$(DAEMON_JOBS) --target procsentry_make_mix procsentry_pipeline_bench \
		|| echo "bench: pipeline benchmark or mix generator did not build (Google Benchmark missing?)"
	BUILD=$(BUILD) bash $(TOP)/bench/run-bench.sh $(KERNEL)
