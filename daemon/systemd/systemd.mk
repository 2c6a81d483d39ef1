# SPDX-License-Identifier: GPL-2.0
# systemd units (included by the top-level Makefile: TOP).
#   make systemd-verify   systemd-analyze verify + security --offline on daemon/systemd/*.service
SYSTEMD_DIR := $(TOP)/daemon/systemd
SYSTEMD_SECURITY_THRESHOLD ?= 30

.PHONY: systemd-verify

systemd-verify:
	SECURITY_THRESHOLD=$(SYSTEMD_SECURITY_THRESHOLD) sh $(SYSTEMD_DIR)/verify.sh $(SYSTEMD_DIR)
