# SPDX-License-Identifier: GPL-2.0
# systemd units (included by the top-level Makefile: TOP).
#   make systemd-verify   systemd-analyze verify + security --offline on daemon/systemd/*.service
#                         and console/systemd/procsentry-console.service
SYSTEMD_DIR := $(TOP)/daemon/systemd
SYSTEMD_SECURITY_THRESHOLD ?= 30
# The console runs no privileged code at all: hold it to a stricter bound than the daemon, which
# needs CAP_NET_ADMIN and CAP_SYS_PTRACE as root.
CONSOLE_SYSTEMD_DIR := $(TOP)/console/systemd
CONSOLE_SECURITY_THRESHOLD ?= 15

.PHONY: systemd-verify

systemd-verify:
	SECURITY_THRESHOLD=$(SYSTEMD_SECURITY_THRESHOLD) sh $(SYSTEMD_DIR)/verify.sh $(SYSTEMD_DIR)
	UNITS=procsentry-console.service SECURITY_UNIT=procsentry-console.service \
		SECURITY_THRESHOLD=$(CONSOLE_SECURITY_THRESHOLD) sh $(SYSTEMD_DIR)/verify.sh $(CONSOLE_SYSTEMD_DIR)
