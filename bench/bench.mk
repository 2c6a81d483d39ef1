# SPDX-License-Identifier: GPL-2.0
# Benchmark (included by the top-level Makefile: TOP, BUILD, KERNEL).
#
#   make bench [KERNEL=6.1]   one QEMU/TCG guest, one vCPU, instruction-count clock; rotates
#                             the configurations of docs/PERFORMANCE.md for 5 rounds, prints the
#                             table and rewrites the Results section of docs/PERFORMANCE.md.
#
# Knobs (environment): BENCH_ROUNDS, BENCH_CONFIGS, BENCH_EXEC_N, BENCH_GETPPID_N,
# BENCH_SETRESUID_N, BENCH_CAP_NS, BENCH_RATE, BENCH_TIMEOUT, BENCH_NO_DOC=1 (see
# bench/run-bench.sh).  Not a pass/fail test: it fails only when the guest does not finish.

.PHONY: bench

bench:
	$(MAKE) deps
	$(MAKE) daemon || echo "bench: 'make daemon' failed: using whatever $(BUILD)/daemon holds"
	BUILD=$(BUILD) bash $(TOP)/bench/run-bench.sh $(KERNEL)
