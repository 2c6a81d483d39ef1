# SPDX-License-Identifier: GPL-2.0
# The install test; included by the top-level Makefile (TOP, BUILD).
#
#   make test-install     build the offline bundles (make bundle) of this tree and of an older
#                         version, then
#                         tests/install/run.sh: Debian 12 root filesystem (debootstrap, cached),
#                         offline install, DKMS, four QEMU boots with systemd (tests/install/README.md)
#
# INSTALL_OLD_DEB_VERSION: the older version the upgrade starts from (built from this tree with
# packaging.mk's DEB_VERSION; its results go to $(BUILD)/deb-$(INSTALL_OLD_DEB_VERSION)).
# INSTALL_STAGES="1 3" etc. runs only some boots (see run.sh for the other knobs).

INSTALL_OLD_DEB_VERSION ?= 0.0.9-1
INSTALL_DEB_OPTIONS ?= parallel=$(shell nproc)

.PHONY: test-install install-test-debs

# Both versions through packaging.mk's own target (bundle: the .debs, SHA256SUMS, install.sh).  The older one skips lintian: it is the same
# tree, and `make deb` of the current version runs lintian already.
install-test-debs:
	$(MAKE) bundle BUILD=$(BUILD) DEB_BUILD_OPTIONS=$(INSTALL_DEB_OPTIONS)
	$(MAKE) bundle BUILD=$(BUILD) DEB_VERSION=$(INSTALL_OLD_DEB_VERSION) LINTIAN=0 \
		DEB_BUILD_OPTIONS=$(INSTALL_DEB_OPTIONS)

test-install: install-test-debs
	BUILD=$(BUILD) NEW_BUNDLE=$(BUILD)/bundle/procsentry-$(VERSION)-bundle \
		OLD_BUNDLE=$(BUILD)/bundle/procsentry-$(firstword $(subst -, ,$(INSTALL_OLD_DEB_VERSION)))-bundle \
		bash $(TOP)/tests/install/run.sh
