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
	clean deps checkpatch test-scripts test-dkms

all: daemon

# The module against $(KDIR); the QEMU harness builds it per test kernel on its own.
kmod:
	$(MAKE) -C $(KDIR) M=$(TOP)/kmod CC=gcc PROCSENTRY_VERSION=$(VERSION) modules

include daemon/daemon.mk
include daemon/systemd/systemd.mk
include tests/vm/vm.mk
include console/console.mk
include tests/console/console-tests.mk
include tests/console/vm/vm.mk
-include bench/bench.mk
-include packaging/packaging.mk
-include tests/install/install.mk

deps:
	bash $(TOP)/scripts/install-deps.sh

checkpatch:
	bash $(TOP)/scripts/checkpatch.sh

# Everything CI runs (.ci/run): style, unit/sanitizer/fuzz tests (daemon and console), the scenario
# binary's own host self-test, every kernel in QEMU, then the console with real agents (API on
# SQLite and PostgreSQL, load, browser, and once with the real module in QEMU).
test: deps
	$(MAKE) checkpatch
	$(MAKE) test-unit
	$(MAKE) systemd-verify
	$(MAKE) scenarios-selftest
	$(MAKE) test-scripts
	$(MAKE) test-bundle
	$(MAKE) test-dkms
	@# A QEMU guest keeps one core busy; the console's builds and unit tests use the other. Two
	@# plain sub-makes, not make -j: a jobserver would reach the kernel builds, whose warning
	@# about it fails build-module.sh. The console's output follows the kernels'.
	@mkdir -p $(BUILD); \
	( $(MAKE) --no-print-directory test-console-unit console CONSOLE_JOBS=1 >$(BUILD)/console-unit.log 2>&1 ) & \
	cpid=$$!; krc=0; $(MAKE) test-kmod-all || krc=$$?; crc=0; wait $$cpid || crc=$$?; \
	cat $(BUILD)/console-unit.log; \
	echo "test-kmod-all: exit $$krc; test-console-unit and console (log: $(BUILD)/console-unit.log): exit $$crc"; \
	test $$krc -eq 0 && test $$crc -eq 0
	$(MAKE) test-console

# procsentry-load-module's diagnoses against stand-ins; install-files' layout (host only).
test-scripts: daemon
	bash $(TOP)/tests/scripts/load-module-test.sh
	BUILD=$(BUILD) bash $(TOP)/tests/scripts/install-files-test.sh

# `dkms build` of the installed source tree against this machine's Debian kernel headers.
test-dkms:
	BUILD=$(BUILD) VERSION=$(VERSION) bash $(TOP)/tests/dkms/dkms-build-test.sh

# Installation from source (docs/INSTALL.md).  install-files only copies files (DESTDIR-safe,
# used by debian/rules too); install/uninstall also run DKMS and systemctl on this machine.
SBINDIR ?= $(PREFIX)/sbin
LIBEXECDIR ?= $(PREFIX)/lib/procsentry
SYSCONFDIR ?= /etc
UNITDIR ?= /lib/systemd/system
DOCDIR ?= $(PREFIX)/share/doc/procsentry
DKMS_SRC := /usr/src/procsentry-$(VERSION)
INSTALL_SKIP_DAEMON ?=

.PHONY: install-files install-dkms-src install-config

install-dkms-src:
	install -d $(DESTDIR)$(DKMS_SRC)/kmod $(DESTDIR)$(DKMS_SRC)/include/procsentry
	install -m 0644 kmod/*.c kmod/*.h kmod/Kbuild $(DESTDIR)$(DKMS_SRC)/kmod/
	test ! -f kmod/Makefile || install -m 0644 kmod/Makefile $(DESTDIR)$(DKMS_SRC)/kmod/
	install -m 0644 include/procsentry/*.h $(DESTDIR)$(DKMS_SRC)/include/procsentry/
	sed 's/^PACKAGE_VERSION=.*/PACKAGE_VERSION="$(VERSION)"/' dkms.conf > $(DESTDIR)$(DKMS_SRC)/dkms.conf
	chmod 0644 $(DESTDIR)$(DKMS_SRC)/dkms.conf

# The shipped configuration is installed only where none exists: an edited file is never
# replaced (the new default goes next to it as procsentry.json.dist).
install-config:
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/procsentry
	if [ -e $(DESTDIR)$(SYSCONFDIR)/procsentry/procsentry.json ] && \
	   ! cmp -s daemon/etc/procsentry.json $(DESTDIR)$(SYSCONFDIR)/procsentry/procsentry.json; then \
		install -m 0644 daemon/etc/procsentry.json $(DESTDIR)$(SYSCONFDIR)/procsentry/procsentry.json.dist; \
		echo "install: kept the edited $(SYSCONFDIR)/procsentry/procsentry.json; the shipped one is procsentry.json.dist"; \
	else \
		install -m 0644 daemon/etc/procsentry.json $(DESTDIR)$(SYSCONFDIR)/procsentry/procsentry.json; \
	fi

install-files: $(if $(INSTALL_SKIP_DAEMON),,daemon) install-dkms-src install-config
	install -D -m 0755 $(BUILD)/daemon/procsentryd $(DESTDIR)$(SBINDIR)/procsentryd
	install -D -m 0755 $(BUILD)/daemon/procsentryctl $(DESTDIR)$(SBINDIR)/procsentryctl
	install -D -m 0755 $(BUILD)/daemon/procsentry-dump $(DESTDIR)$(SBINDIR)/procsentry-dump
	install -D -m 0755 scripts/procsentry-load-module $(DESTDIR)$(LIBEXECDIR)/procsentry-load-module
	install -D -m 0644 daemon/systemd/procsentry.service $(DESTDIR)$(UNITDIR)/procsentry.service
	install -D -m 0644 daemon/systemd/procsentry-module.service $(DESTDIR)$(UNITDIR)/procsentry-module.service
	install -d $(DESTDIR)$(DOCDIR)
	install -m 0644 README.md docs/*.md $(DESTDIR)$(DOCDIR)/

# On this machine: files, then DKMS (add, build, install for the running kernel), then the units
# enabled and started.  A module the kernel refuses is reported with its cause and fix by
# procsentry-load-module; the daemon then runs degraded and says the same in `procsentryctl status`.
install: install-files
	@test -z "$(DESTDIR)" || { echo "install: with DESTDIR use make install-files"; exit 1; }
	@command -v dkms >/dev/null || { echo "install: dkms is missing: apt-get install dkms"; exit 1; }
	@# Every procsentry version DKMS knows goes first: an older `make install` leaves none behind.
	-for v in $$(dkms status procsentry 2>/dev/null | sed -n 's#^procsentry/\([^,:]*\).*#\1#p' | sort -u); do \
		dkms remove procsentry/$$v --all >/dev/null 2>&1; \
		[ "$$v" = "$(VERSION)" ] || rm -rf /usr/src/procsentry-$$v; \
	done
	dkms add procsentry/$(VERSION)
	dkms build procsentry/$(VERSION) || { echo "install: dkms build failed; are the headers of \
	the running kernel installed (apt-get install linux-headers-$$(uname -r))?"; exit 1; }
	dkms install --force procsentry/$(VERSION)
	if [ -d /run/systemd/system ]; then \
		systemctl daemon-reload; \
		$(LIBEXECDIR)/procsentry-load-module --reload-stale || true; \
		systemctl enable procsentry.service; \
		systemctl restart procsentry.service; \
		if [ -s /run/procsentry-module.error ] && [ ! -d /sys/module/procsentry ]; then \
			echo "install: the kernel module is not loaded: $$(cat /run/procsentry-module.error)"; \
			echo "install: procsentryd runs degraded until it is (procsentryctl status)"; \
		fi; \
	else \
		$(LIBEXECDIR)/procsentry-load-module || true; \
		echo "install: systemd is not running: start procsentryd yourself"; \
	fi

# Removes what install put in place but the configuration and state (PURGE=1 removes them too).
uninstall:
	@test -z "$(DESTDIR)" || { echo "uninstall: DESTDIR is not supported"; exit 1; }
	if [ -d /run/systemd/system ]; then \
		systemctl disable --now procsentry.service procsentry-module.service 2>/dev/null || true; \
	fi
	-$(LIBEXECDIR)/procsentry-load-module --unload
	-for v in $$(dkms status procsentry 2>/dev/null | sed -n 's#^procsentry/\([^,:]*\).*#\1#p' | sort -u); do \
		dkms remove procsentry/$$v --all; rm -rf /usr/src/procsentry-$$v; \
	done
	rm -rf $(DKMS_SRC)
	rm -f $(SBINDIR)/procsentryd $(SBINDIR)/procsentryctl $(SBINDIR)/procsentry-dump \
		$(UNITDIR)/procsentry.service $(UNITDIR)/procsentry-module.service /run/procsentry-module.error
	rm -rf $(LIBEXECDIR) $(DOCDIR)
	if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
	if [ -n "$(PURGE)" ]; then rm -rf $(SYSCONFDIR)/procsentry /var/lib/procsentry /var/log/procsentry; \
	else echo "uninstall: kept $(SYSCONFDIR)/procsentry, /var/lib/procsentry and /var/log/procsentry (PURGE=1 removes them)"; fi

clean:
	rm -rf $(BUILD)
	-$(MAKE) -C $(KDIR) M=$(TOP)/kmod clean 2>/dev/null || true
