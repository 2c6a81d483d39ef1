# SPDX-License-Identifier: GPL-2.0
# The console end to end under QEMU (included by the top-level Makefile after tests/vm/vm.mk:
# TOP, BUILD; e2e-helper comes from there).
#
#   make test-console-vm   the real module and procsentryd in a Debian 6.1 guest, enrolled in a
#                          procsentry-console on this host (TLS, SQLite in a temp dir); an exec
#                          from /tmp in the guest must arrive as the exact incident of that host
#   make console-demo      builds everything, starts a console (prints the URL and the admin
#                          password), boots the guest with three enrolled agents and a few
#                          alerts, and leaves it running until Ctrl-C
# tests/console/vm/README.md has the details.

.PHONY: test-console-vm console-demo

# Part of `make test` through test-console (tests/console/console-tests.mk).

test-console-vm: console daemon e2e-helper
	BUILD=$(BUILD) bash $(TOP)/tests/console/vm/run.sh

# In order: the builds need the packages that deps installs.
console-demo:
	$(MAKE) deps
	$(MAKE) console daemon e2e-helper
	BUILD=$(BUILD) bash $(TOP)/tests/console/vm/run.sh --demo
