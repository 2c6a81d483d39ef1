# SPDX-License-Identifier: GPL-2.0
# procsentry top-level build.  `make demo` and `make test` are the two entry points (README).
TOP := $(abspath .)
BUILD ?= $(TOP)/build
VERSION := 0.1.0
KERNELS ?= 5.10 6.1 6.12
KERNEL ?= 6.1
# Kernel build dir for `make kmod` / `make install` (the running kernel by default).
KDIR ?= /lib/modules/$(shell uname -r)/build
DESTDIR ?=
PREFIX ?= /usr

.PHONY: all kmod daemon test test-unit test-kmod test-kmod-all demo bench install uninstall \
	clean deps checkpatch

all: daemon

# The module against $(KDIR); the QEMU harness builds it per test kernel on its own.
kmod:
	$(MAKE) -C $(KDIR) M=$(TOP)/kmod CC=gcc PROCSENTRY_VERSION=$(VERSION) modules

include daemon/daemon.mk
include daemon/systemd/systemd.mk
include tests/vm/vm.mk
-include bench/bench.mk

deps:
	bash $(TOP)/scripts/install-deps.sh

checkpatch:
	bash $(TOP)/scripts/checkpatch.sh

# Everything CI runs (.ci/run): style, unit/sanitizer/fuzz tests, the scenario binary's own
# host self-test, then every kernel in QEMU.
test: deps
	$(MAKE) checkpatch
	$(MAKE) test-unit
	$(MAKE) systemd-verify
	$(MAKE) scenarios-selftest
	$(MAKE) test-kmod-all

# DKMS source tree + userspace tools.  Full packaging comes with the install issue.
install: daemon
	install -d $(DESTDIR)/usr/src/procsentry-$(VERSION)
	cp -r kmod include dkms.conf $(DESTDIR)/usr/src/procsentry-$(VERSION)/
	rm -f $(DESTDIR)/usr/src/procsentry-$(VERSION)/kmod/*.o \
		$(DESTDIR)/usr/src/procsentry-$(VERSION)/kmod/*.ko
	install -D -m 0755 $(BUILD)/daemon/procsentry-dump $(DESTDIR)$(PREFIX)/sbin/procsentry-dump
	if [ -z "$(DESTDIR)" ] && command -v dkms >/dev/null; then \
		dkms add procsentry/$(VERSION) || true; \
		dkms build procsentry/$(VERSION) && dkms install procsentry/$(VERSION); \
	fi

uninstall:
	-dkms remove procsentry/$(VERSION) --all
	rm -rf $(DESTDIR)/usr/src/procsentry-$(VERSION)
	rm -f $(DESTDIR)$(PREFIX)/sbin/procsentry-dump

clean:
	rm -rf $(BUILD)
	-$(MAKE) -C $(KDIR) M=$(TOP)/kmod clean 2>/dev/null || true
