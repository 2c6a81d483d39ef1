# SPDX-License-Identifier: GPL-2.0
# The daemon end-to-end suite's static helper.  Included by tests/vm/vm.mk (TOP, BUILD).
#
#   make e2e-helper     -> $(BUILD)/e2e/procsentry-e2e-helper (static; mkinitramfs.sh copies it)
#   make e2e-selftest   the host checker's own tests (check_alerts_test.py)

E2E_DIR := $(TOP)/tests/vm/daemon
E2E_OUT := $(BUILD)/e2e
E2E_HELPER := $(E2E_OUT)/procsentry-e2e-helper
E2E_CC ?= gcc

.PHONY: e2e-helper e2e-selftest

e2e-helper: $(E2E_HELPER)

$(E2E_HELPER): $(E2E_DIR)/e2e_helper.c
	@mkdir -p $(E2E_OUT)
	$(E2E_CC) -std=c11 -O2 -Wall -Wextra -Werror -static -o $@ $<

e2e-selftest:
	python3 $(E2E_DIR)/check_alerts_test.py -q
