# SPDX-License-Identifier: GPL-2.0
# QEMU kernel-matrix targets; included by the top-level Makefile (TOP, BUILD, KERNEL, KERNELS).
#
#   make test-kmod [KERNEL=6.1]   one kernel
#   make test-kmod-all            every kernel in $(KERNELS), all run, fails if any failed
#   make demo                     procsentryd (real module, real daemon) raising alerts in a 6.1 guest
#   make fetch-kernels            download/unpack the Debian kernels only

.PHONY: fetch-kernels

# The scenario binary's own makefile (target `scenarios`), when it exists.
-include $(TOP)/tests/vm/scenarios/scenarios.mk
# The daemon end-to-end suite's static helper (target `e2e-helper`).
-include $(TOP)/tests/vm/daemon/e2e.mk

# Build what goes into the guest first, where the makefiles providing it exist.
VM_PREREQS := $(if $(wildcard $(TOP)/tests/vm/scenarios/scenarios.mk),scenarios) \
              $(if $(wildcard $(TOP)/tests/vm/daemon/e2e.mk),e2e-helper e2e-selftest) \
              $(if $(wildcard $(TOP)/daemon/daemon.mk),daemon)

VM_ENV := BUILD=$(BUILD)

fetch-kernels:
	$(VM_ENV) bash $(TOP)/scripts/fetch-kernels.sh all

test-kmod: $(VM_PREREQS)
	$(VM_ENV) bash $(TOP)/tests/vm/run-kernel.sh $(KERNEL)

# Every kernel, plus the kprobe-less hook mode on one of them.
KMOD_MATRIX ?= $(KERNELS) 6.1:syscall_tp

test-kmod-all: $(VM_PREREQS)
	$(VM_ENV) bash $(TOP)/tests/vm/run-all.sh $(KMOD_MATRIX)

# In order: the daemon build needs the packages that deps installs.
demo:
	$(MAKE) deps
	$(MAKE) daemon e2e-helper
	$(VM_ENV) bash $(TOP)/tests/vm/run-kernel.sh 6.1 --demo
