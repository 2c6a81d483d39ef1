# SPDX-License-Identifier: GPL-2.0
# procsentry-scenarios: the static in-guest scenario binary.  Included by tests/vm/vm.mk
# (TOP and BUILD come from the top-level Makefile).
#
#   make scenarios            -> $(BUILD)/scenarios/procsentry-scenarios (static)
#   make scenarios-selftest   host self-test (ASan/UBSan build): netlink client + record parser

SCEN_DIR := $(TOP)/tests/vm/scenarios
SCEN_OUT := $(BUILD)/scenarios
SCEN_OBJ := $(SCEN_OUT)/obj
SCEN_BIN := $(SCEN_OUT)/procsentry-scenarios
SCEN_SRCS := $(sort $(wildcard $(SCEN_DIR)/*.c))
SCEN_HDRS := $(wildcard $(SCEN_DIR)/*.h) $(TOP)/include/procsentry/procsentry_abi.h
SCEN_OBJS := $(patsubst $(SCEN_DIR)/%.c,$(SCEN_OBJ)/%.o,$(SCEN_SRCS))
SCEN_CC ?= gcc
SCEN_CFLAGS := -std=c11 -O2 -Wall -Wextra -Werror -pthread

.PHONY: scenarios scenarios-selftest

scenarios: $(SCEN_BIN)

$(SCEN_OBJ)/%.o: $(SCEN_DIR)/%.c $(SCEN_HDRS)
	@mkdir -p $(SCEN_OBJ)
	$(SCEN_CC) $(SCEN_CFLAGS) -c -o $@ $<

$(SCEN_BIN): $(SCEN_OBJS)
	$(SCEN_CC) -static -pthread -o $@ $(SCEN_OBJS)

# Not copied into the guest: it lives below obj/, and the initramfs takes only the top level.
$(SCEN_OBJ)/selftest-asan: $(SCEN_SRCS) $(SCEN_HDRS)
	@mkdir -p $(SCEN_OBJ)
	$(SCEN_CC) $(SCEN_CFLAGS) -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
		-o $@ $(SCEN_SRCS)

scenarios-selftest: $(SCEN_BIN) $(SCEN_OBJ)/selftest-asan
	$(SCEN_OBJ)/selftest-asan selftest
	$(SCEN_BIN) selftest
