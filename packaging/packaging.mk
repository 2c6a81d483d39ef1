# SPDX-License-Identifier: GPL-2.0
# Debian packages and the offline bundle (included by the top-level Makefile: TOP, BUILD, VERSION).
#
#   make deb          procsentry-dkms_<ver>_all.deb and procsentry_<ver>_<arch>.deb, built with
#                     dpkg-buildpackage -b (debhelper, dh-dkms) in a copy of the tree
#                     ($(BUILD)/deb-work/procsentry/: the git-tracked and untracked but not
#                     ignored files, so uncommitted edits are included and build/ never is), then
#                     `lintian --fail-on error` on the .changes.  Results in $(DEB_OUT): the two
#                     .debs, .changes, .buildinfo (no -dbgsym package: noautodbgsym).
#   make bundle       make deb, then $(BUILD)/bundle/procsentry-<upstream>-bundle/ and its .tar.gz:
#                     the two .debs, install.sh (packaging/bundle-install.sh), README, INSTALL and
#                     SHA256SUMS, for hosts without network access.
#                     The console's package goes next to the tarball, not into it: the bundle's
#                     install.sh installs every .deb it holds on each monitored host, and the
#                     console runs on one machine of its own.
#   make test-bundle  packaging/bundle-install-test.sh: install.sh's checks on fake packages
#                     (host only, no root side effects, a few seconds).
#   make install-console-files [DESTDIR=...]
#                     the console's files (binary, web UI, unit, sysusers.d, TLS script,
#                     console.json, docs) at their installed paths; debian/rules uses it like
#                     install-files.  INSTALL_SKIP_CONSOLE=1: do not build the console first.
#
# Variables:
#   DEB_VERSION=0.0.9-1  build another version (the install test's upgrade from an older or to a
#                     newer package): a changelog entry for it is written in the copied tree only
#                     (never in the repository), and the module, procsentryd and
#                     /usr/src/procsentry-<upstream> carry its upstream part (VERSION=0.0.9 for the
#                     top Makefile, from the changelog via debian/rules).  Results then go to
#                     $(BUILD)/deb-$(DEB_VERSION) so that each directory holds one version.
#                     Without it, debian/changelog's version must match the Makefile's VERSION.
#   DEB_OUT=DIR       where the results go (default $(BUILD)/deb, see DEB_VERSION).
#   LINTIAN=0         skip lintian.
#   DEB_BUILD_OPTIONS passed on to dpkg-buildpackage (noautodbgsym is always added).

DEB_ARCH := $(shell dpkg-architecture -qDEB_HOST_ARCH 2>/dev/null)
DEB_CHANGELOG_VERSION := $(shell dpkg-parsechangelog -l $(TOP)/debian/changelog -S Version 2>/dev/null)
ifeq ($(origin DEB_VERSION),undefined)
DEB_FULL_VERSION := $(DEB_CHANGELOG_VERSION)
DEB_OUT ?= $(BUILD)/deb
else
DEB_FULL_VERSION := $(DEB_VERSION)
DEB_OUT ?= $(BUILD)/deb-$(DEB_VERSION)
endif
# Upstream part: no epoch, no Debian revision.
DEB_UPSTREAM := $(shell echo '$(DEB_FULL_VERSION)' | sed -e 's/^[0-9]*://' -e 's/-[^-]*$$//')
# One source copy and one CMake tree for every version built from this BUILD: CMake ties its cache
# to the source path, and the version reaches one generated header only, so building the install
# test's second version recompiles one file instead of the whole daemon.
DEB_WORK := $(BUILD)/deb-work
DEB_SRC := $(DEB_WORK)/procsentry
# The daemon's CMake tree outside the copied sources: a second `make deb` rebuilds only what changed.
DEB_OBJ := $(DEB_WORK)/obj
DEB_FILEVER := $(shell echo '$(DEB_FULL_VERSION)' | sed -e 's/^[0-9]*://')
DEB_CHANGES := $(DEB_OUT)/procsentry_$(DEB_FILEVER)_$(DEB_ARCH).changes
DEB_PKGS := $(DEB_OUT)/procsentry-dkms_$(DEB_FILEVER)_all.deb $(DEB_OUT)/procsentry_$(DEB_FILEVER)_$(DEB_ARCH).deb
DEB_CONSOLE_PKG := $(DEB_OUT)/procsentry-console_$(DEB_FILEVER)_$(DEB_ARCH).deb
LINTIAN ?= 1

BUNDLE_NAME := procsentry-$(DEB_UPSTREAM)-bundle
BUNDLE_DIR := $(BUILD)/bundle/$(BUNDLE_NAME)
BUNDLE_TGZ := $(BUILD)/bundle/$(BUNDLE_NAME).tar.gz

.PHONY: deb deb-check-version deb-src bundle test-bundle install-console-files

deb-check-version:
	@test -n "$(DEB_ARCH)" -a -n "$(DEB_CHANGELOG_VERSION)" || \
		{ echo "deb: dpkg-dev is missing (apt-get install dpkg-dev debhelper dh-dkms lintian)"; exit 1; }
	@case '$(DEB_FULL_VERSION)' in *-*) ;; *) \
		echo "deb: DEB_VERSION=$(DEB_FULL_VERSION) needs a Debian revision (e.g. $(DEB_FULL_VERSION)-1)"; exit 1;; esac
ifeq ($(origin DEB_VERSION),undefined)
	@test "$(DEB_UPSTREAM)" = "$(VERSION)" || { \
		echo "deb: debian/changelog is at $(DEB_CHANGELOG_VERSION) but the Makefile's VERSION is $(VERSION):"; \
		echo "     add a debian/changelog entry for $(VERSION)-1, or build a test version with DEB_VERSION=<version>-<revision>"; \
		exit 1; }
endif

# A fresh copy each time; tar keeps the modification times, so the CMake tree in $(DEB_OBJ) only
# rebuilds the files that changed.
deb-src: deb-check-version
	rm -rf $(DEB_SRC)
	mkdir -p $(DEB_SRC)
	if git -C $(TOP) rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		cd $(TOP) && git ls-files -z --cached --others --exclude-standard | \
			xargs -0 sh -c 'for f; do [ ! -e "$$f" ] || printf "%s\0" "$$f"; done' sh | \
			tar --null -T - -cf - | tar -C $(DEB_SRC) -xf -; \
	else \
		tar -C $(TOP) --exclude=./build --exclude=./.git -cf - . | tar -C $(DEB_SRC) -xf -; \
	fi
	@test -f $(DEB_SRC)/debian/rules || { echo "deb: debian/ was not copied to $(DEB_SRC)"; exit 1; }
ifneq ($(origin DEB_VERSION),undefined)
	@# Newer than the changelog: a new top entry.  Older or equal: the changelog of the copy is
	@# only this entry (a top entry older than the next one is not a valid changelog).
	set -e; cd $(DEB_SRC); \
	maint=$$(dpkg-parsechangelog -S Maintainer); dist=$$(dpkg-parsechangelog -S Distribution); \
	{ printf 'procsentry (%s) %s; urgency=medium\n\n' '$(DEB_VERSION)' "$$dist"; \
	  printf '  * Test build of version %s (make deb DEB_VERSION=%s), not a release.\n\n' \
		'$(DEB_UPSTREAM)' '$(DEB_VERSION)'; \
	  printf ' -- %s  %s\n' "$$maint" "$$(date -R)"; } > debian/changelog.new; \
	if dpkg --compare-versions '$(DEB_VERSION)' gt '$(DEB_CHANGELOG_VERSION)'; then \
		printf '\n' >> debian/changelog.new; cat debian/changelog >> debian/changelog.new; fi; \
	mv debian/changelog.new debian/changelog; \
	test "$$(dpkg-parsechangelog -S Version)" = '$(DEB_VERSION)'
endif

deb: deb-src
	@# A clean environment: MAKEFLAGS would hand this make's command-line variables (BUILD,
	@# VERSION, DEB_VERSION) to debian/rules and override its own.
	rm -f $(DEB_OUT)/*.deb $(DEB_OUT)/*.changes $(DEB_OUT)/*.buildinfo \
		$(DEB_WORK)/*.deb $(DEB_WORK)/*.changes $(DEB_WORK)/*.buildinfo
	cd $(DEB_SRC) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
		PROCSENTRY_DEB_OBJ=$(DEB_OBJ) DEB_BUILD_OPTIONS="$(strip $(DEB_BUILD_OPTIONS) noautodbgsym)" \
		dpkg-buildpackage -us -uc -b
	mkdir -p $(DEB_OUT)
	mv $(DEB_WORK)/*.deb $(DEB_WORK)/*.changes $(DEB_WORK)/*.buildinfo $(DEB_OUT)/
ifneq ($(LINTIAN),0)
	@# The tags only; their explanations (--info) are in lintian.log.
	rc=0; lintian --fail-on error --info --display-level '>=warning' $(DEB_CHANGES) \
		> $(DEB_OUT)/lintian.log 2>&1 || rc=$$?; \
	grep -E '^[EWIXPO]: ' $(DEB_OUT)/lintian.log || true; \
	test $$rc -eq 0 || { echo "deb: lintian found errors (see above, $(DEB_OUT)/lintian.log)"; exit 1; }
endif
	@echo "deb: built (version $(DEB_FULL_VERSION)):"
	@for f in $(DEB_PKGS) $(DEB_CONSOLE_PKG); do test -f $$f || { echo "deb: $$f is missing"; exit 1; }; echo "  $$f"; done

# The tarball is reproducible for a given set of .debs: fixed order, owner and time.
bundle: deb
	rm -rf $(BUNDLE_DIR) $(BUNDLE_TGZ)
	mkdir -p $(BUNDLE_DIR)
	cp $(DEB_PKGS) $(BUNDLE_DIR)/
	install -m 0755 $(TOP)/packaging/bundle-install.sh $(BUNDLE_DIR)/install.sh
	for f in README INSTALL; do \
		sed -e 's/@VERSION@/$(DEB_FULL_VERSION)/g' -e 's/@UPSTREAM@/$(DEB_UPSTREAM)/g' \
			-e 's/@ARCH@/$(DEB_ARCH)/g' $(TOP)/packaging/bundle-$$f > $(BUNDLE_DIR)/$$f; done
	cd $(BUNDLE_DIR) && sha256sum $(notdir $(DEB_PKGS)) install.sh README INSTALL > SHA256SUMS
	mtime=$$(dpkg-parsechangelog -l $(DEB_SRC)/debian/changelog -S Timestamp); \
	tar -C $(BUILD)/bundle --sort=name --owner=0 --group=0 --numeric-owner --mtime=@$$mtime \
		-czf $(BUNDLE_TGZ) $(BUNDLE_NAME)
	cp $(DEB_CONSOLE_PKG) $(BUILD)/bundle/
	cd $(BUILD)/bundle && sha256sum $(notdir $(BUNDLE_TGZ) $(DEB_CONSOLE_PKG)) > SHA256SUMS
	@echo "bundle: $(BUNDLE_TGZ)"
	@echo "bundle: the console's package (for the console machine, not in the bundle): $(BUILD)/bundle/$(notdir $(DEB_CONSOLE_PKG))"
	@echo "bundle: $(BUNDLE_DIR)/"
	@cd $(BUNDLE_DIR) && ls -l

test-bundle:
	bash $(TOP)/packaging/bundle-install-test.sh

# The console's installed layout (docs/CONSOLE.md).  Its configuration follows install-config:
# an edited console.json is never replaced (the new default goes next to it as .dist).
CONSOLE_UNIT := $(TOP)/console/systemd/procsentry-console.service
CONSOLE_SHARE := $(PREFIX)/share/procsentry-console
CONSOLE_LIBEXEC := $(PREFIX)/lib/procsentry-console
CONSOLE_DOCDIR := $(PREFIX)/share/doc/procsentry-console
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
INSTALL_SKIP_CONSOLE ?=

install-console-files: $(if $(INSTALL_SKIP_CONSOLE),,console)
	install -D -m 0755 $(BUILD)/console/procsentry-console $(DESTDIR)$(SBINDIR)/procsentry-console
	@# The web UI: every file under console/ui but notes for developers (*.md) and dot files.
	install -d $(DESTDIR)$(CONSOLE_SHARE)/ui
	cd $(TOP)/console/ui && find . -type f ! -name '*.md' ! -name '.*' | LC_ALL=C sort | \
		while read -r f; do install -D -m 0644 "$$f" "$(DESTDIR)$(CONSOLE_SHARE)/ui/$${f#./}" || exit 1; done
	install -D -m 0644 $(CONSOLE_UNIT) $(DESTDIR)$(UNITDIR)/procsentry-console.service
	install -D -m 0644 $(TOP)/console/systemd/procsentry-console.sysusers \
		$(DESTDIR)$(SYSUSERSDIR)/procsentry-console.conf
	install -D -m 0755 $(TOP)/console/systemd/procsentry-console-tls $(DESTDIR)$(CONSOLE_LIBEXEC)/procsentry-console-tls
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/procsentry-console
	if [ -e $(DESTDIR)$(SYSCONFDIR)/procsentry-console/console.json ] && \
	   ! cmp -s $(TOP)/console/etc/console.json $(DESTDIR)$(SYSCONFDIR)/procsentry-console/console.json; then \
		install -m 0644 $(TOP)/console/etc/console.json $(DESTDIR)$(SYSCONFDIR)/procsentry-console/console.json.dist; \
		echo "install: kept the edited $(SYSCONFDIR)/procsentry-console/console.json; the shipped one is console.json.dist"; \
	else \
		install -m 0644 $(TOP)/console/etc/console.json $(DESTDIR)$(SYSCONFDIR)/procsentry-console/console.json; \
	fi
	install -d $(DESTDIR)$(CONSOLE_DOCDIR)
	install -m 0644 $(TOP)/docs/CONSOLE.md $(TOP)/docs/api.md $(DESTDIR)$(CONSOLE_DOCDIR)/
