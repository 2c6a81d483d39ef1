#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The install test's checks inside the booted Debian guest (procsentry-install-check.service).
# The stage comes from the kernel command line (psi_stage=1|2|2b|3); what a later boot needs from an
# earlier one is kept in /var/lib/procsentry-install-check/.  Verdicts go to the console as
#   INSTALL-CHECK PASS <name>
#   INSTALL-CHECK FAIL <name>: <detail>
#   INSTALL-NOTE <text>              (facts for the report, never a verdict)
#   INSTALL-CHECK-DONE stage=<stage> (last line; then the guest powers off)
# Details go to /var/log/install-check/stage-<stage>.log, which the host reads back from the image.
set -uo pipefail

D=/usr/local/lib/procsentry-install-check
STATE=/var/lib/procsentry-install-check
LOGDIR=/var/log/install-check
# shellcheck source=/dev/null
. "$D/env"
mkdir -p "$STATE" "$LOGDIR"
stage=$(sed -n 's/.*psi_stage=\([^ ]*\).*/\1/p' /proc/cmdline)
exec >> "$LOGDIR/stage-${stage:-none}.log" 2>&1
export DEBIAN_FRONTEND=noninteractive

console() { echo "$*"; echo "$*" > /dev/console; }
pass() { console "INSTALL-CHECK PASS $1"; }
fail() { console "INSTALL-CHECK FAIL $1: $(echo "$2" | tr '\n' ' ' | cut -c1-400)"; }
note() { console "INSTALL-NOTE $*"; }
# verdict <name> <detail if false> <command...>
verdict() {
  local name=$1 detail=$2
  shift 2
  if "$@"; then pass "$name"; else fail "$name" "$detail"; fi
}
# wait_for <seconds> <command...>: poll until the command succeeds.
wait_for() {
  local end=$((SECONDS + $1))
  shift
  while ! "$@"; do
    [ "$SECONDS" -ge "$end" ] && return 1
    sleep 0.5
  done
}
finish() {
  journalctl -b --no-pager -o short-monotonic > "$LOGDIR/journal-${stage:-none}.txt" 2>&1
  sync
  console "INSTALL-CHECK-DONE stage=${stage:-none}"
  # Without D-Bus, systemctl says it cannot reach logind, then powers off through systemd's own
  # socket; only if that fails, power off at once (the host's timeout is the last resort).
  systemctl poweroff --no-block 2>/dev/null || poweroff -f
}
trap finish EXIT

echo "=== stage $stage, $(date -u), kernel $(uname -r), cmdline: $(cat /proc/cmdline)"

active() { [ "$(systemctl is-active "$1")" = active ]; }
status() { procsentryctl status 2>&1; }
registered() { active procsentry.service && status | grep -qi 'registered'; }
mainpid() { systemctl show -p MainPID --value procsentry.service; }
loaded_version() { cat /sys/module/procsentry/version 2>/dev/null; }
alert_in_file() { grep -q -- "$1" /var/log/procsentry/alerts.json 2>/dev/null; }
# The syslog sink's alerts as journald stored them, found the way docs/INSTALL.md says:
# `journalctl -t procsentryd` (SYSLOG_IDENTIFIER, parsed from the RFC 3164 header the sink uses
# over /dev/log), facility authpriv (10), and the message is the alert JSON itself.
journal_alerts() {
  journalctl -b --no-pager -t procsentryd SYSLOG_FACILITY=10 -o cat | grep '^{"schema":"procsentry.alert/1"'
}
alert_in_journal() { journal_alerts | grep -q -- "$1"; }
# high -> err (3): the priority journald took from <PRI>.
alert_in_journal_as_err() {
  journalctl -b --no-pager -t procsentryd SYSLOG_FACILITY=10 PRIORITY=3 -o cat | grep -q -- "$1"
}
alerts_of() { grep -- "$1" /var/log/procsentry/alerts.json 2>/dev/null | head -n 3; }
# Run a copy of true under a chosen path: an exec the rules see with that path.
run_as() { cp /usr/bin/true "$1" && "$1"; }
spool_list() { find /var/lib/procsentry/spool -type f -printf '%P %s\n' 2>/dev/null | sort; }
# Every file of list $1 (name size) still present and at least as large.
spool_kept() {
  local n s cur
  [ -s "$1" ] || return 1
  while read -r n s; do
    cur=$(stat -c %s "/var/lib/procsentry/spool/$n" 2>/dev/null) || return 1
    [ "$cur" -ge "$s" ] || return 1
  done < "$1"
}
dump_unit() {
  echo "--- $1"
  systemctl status --no-pager -l "$1"
  journalctl -b --no-pager -u "$1"
}
# What the kernel said about the module (the report wants the refusal lines).
note_dmesg() {
  dmesg | grep -v 'ommand line' \
    | grep -iE 'procsentry|signature|lockdown|key was rejected|unavailable key|module verification' | head -n 8 \
    | while IFS= read -r l; do note "dmesg: $l"; done
}

# --- boot 1: the old version as installed in the chroot -----------------------------------------
stage1() {
  verdict module-loaded-at-boot "/sys/module/procsentry/version is '$(loaded_version)', want $OLD_VERSION" \
    test "$(loaded_version)" = "$OLD_VERSION"
  verdict module-service-active "procsentry-module.service is $(systemctl is-active procsentry-module.service)" \
    active procsentry-module.service
  wait_for 60 registered
  verdict daemon-ready "procsentry.service $(systemctl is-active procsentry.service), status: $(status | head -n 5)" \
    registered
  note "StatusText: $(systemctl show -p StatusText --value procsentry.service)"
  verdict dkms-status "dkms status: $(dkms status procsentry)" \
    sh -c "dkms status procsentry | grep -q '$OLD_VERSION, $KREL, x86_64: installed'"
  note "module signer: $(modinfo -F signer procsentry 2>/dev/null || echo none)"

  # exec-from-writable-dir (high): to the file sink (low+) and the syslog sink (medium+ -> journal).
  run_as /tmp/psi-install-trigger
  wait_for 20 alert_in_file /tmp/psi-install-trigger
  verdict alert-file "no alert for /tmp/psi-install-trigger in /var/log/procsentry/alerts.json" \
    alert_in_file /tmp/psi-install-trigger
  wait_for 20 alert_in_journal /tmp/psi-install-trigger
  verdict alert-journal "no alert JSON for /tmp/psi-install-trigger under journalctl -t procsentryd: $(journalctl -b --no-pager SYSLOG_FACILITY=10 | grep -F psi-install-trigger | head -n 1 | cut -c1-160)" \
    alert_in_journal /tmp/psi-install-trigger
  verdict alert-journal-priority "the alert (high) is not at priority err in the journal" \
    alert_in_journal_as_err /tmp/psi-install-trigger
  journal_alerts | grep -- /tmp/psi-install-trigger | head -n 1 | cut -c1-200 \
    | while IFS= read -r l; do note "journal: $l"; done

  # A reload applies a new rule.
  cp "$D/conf-rule.json" /etc/procsentry/procsentry.json
  systemctl reload procsentry.service
  local pid i
  pid=$(mainpid)
  reload_alert() {
    run_as "/usr/local/bin/psi-reload-marker$1"
    alert_in_file "\"install-check-reload\"" && alert_in_file "psi-reload-marker$1"
  }
  wait_for 30 reload_alert ""
  verdict reload-new-rule "no alert of rule install-check-reload after the reload; status: $(status | grep -i reload)" \
    reload_alert ""
  # An invalid configuration is refused: the old one (with the new rule) stays, the daemon runs.
  cp "$D/conf-invalid.json" /etc/procsentry/procsentry.json
  systemctl reload procsentry.service
  sleep 3
  note "after the invalid reload: $(status | grep -iE 'reload|error' | head -n 3 | tr '\n' ' ')"
  invalid_kept() {
    active procsentry.service && [ "$(mainpid)" = "$pid" ] && wait_for 30 reload_alert -2 \
      && status | grep -qiE 'error|invalid'
  }
  verdict reload-invalid-keeps-old "after an invalid reload: $(systemctl is-active procsentry.service), MainPID $(mainpid) (was $pid), $(status | grep -iE 'reload|error' | head -n 2)" \
    invalid_kept

  # An http sink to a closed port: alerts go to the spool and stay there.
  cp "$D/conf-http.json" /etc/procsentry/procsentry.json
  systemctl reload procsentry.service
  sleep 2
  spooled() {
    [ -n "$(find /var/lib/procsentry/spool -type f -size +0 2>/dev/null)" ] \
      && grep -rqs psi-spool- /var/lib/procsentry/spool
  }
  for i in 1 2 3; do run_as "/tmp/psi-spool-$i"; done
  wait_for 30 spooled
  verdict spool-written "nothing spooled under /var/lib/procsentry/spool: $(find /var/lib/procsentry 2>&1 | head -n 10); $(status | grep -i collector -A3)" \
    spooled
  systemctl stop procsentry.service
  spool_list > "$STATE/spool-after-stop"
  note "spool after stop: $(tr '\n' ' ' < "$STATE/spool-after-stop")"
  systemctl start procsentry.service
  wait_for 60 registered
  verdict daemon-ready-after-start "procsentry.service $(systemctl is-active procsentry.service): $(status | head -n 5)" \
    registered
  sleep 2
  verdict spool-kept-after-stop "spool before start: $(cat "$STATE/spool-after-stop"); after: $(spool_list)" \
    spool_kept "$STATE/spool-after-stop"
  spool_list > "$STATE/spool-boot1"
  echo 1 >> "$STATE/stages-done"
}

# --- boot 2 / 2b: the kernel refuses the module (sig_enforce / lockdown) ------------------------
refused() {
  local p=$1 word=$2
  wait_for 60 active procsentry.service
  # Not crash-looping: still the first start after a while.
  sleep 15
  dump_unit procsentry-module.service
  dump_unit procsentry.service
  status
  local text
  text=$( { systemctl status --no-pager -l procsentry-module.service; journalctl -b --no-pager -u procsentry-module.service; } 2>&1)
  verdict "$p-module-service-failed" "procsentry-module.service is $(systemctl is-active procsentry-module.service), module $(loaded_version || echo 'not loaded')" \
    sh -c "[ \"\$(systemctl is-active procsentry-module.service)\" = failed ] && [ ! -e /sys/module/procsentry ]"
  verdict "$p-module-cause" "the unit's status and journal do not name '$word': $(echo "$text" | grep -i procsentry-load-module | tail -n 2)" \
    grep -qi "$word" <<< "$text"
  verdict "$p-module-fix" "the unit's status and journal give no 'fix:'" grep -qi 'fix' <<< "$text"
  echo "$text" | grep -iE 'cause|fix' | tail -n 1 | cut -c1-300 | while IFS= read -r l; do note "unit: $l"; done
  verdict "$p-daemon-active" "procsentry.service is $(systemctl is-active procsentry.service)" active procsentry.service
  verdict "$p-daemon-no-restarts" "NRestarts=$(systemctl show -p NRestarts --value procsentry.service)" \
    test "$(systemctl show -p NRestarts --value procsentry.service)" = 0
  local st
  st=$(status)
  verdict "$p-status-degraded" "procsentryctl status: $(echo "$st" | head -n 8)" grep -qi degraded <<< "$st"
  verdict "$p-status-cause" "procsentryctl status does not name '$word': $(echo "$st" | grep -iE 'degraded|reason|module' | head -n 4)" \
    grep -qi "$word" <<< "$st"
  echo "$st" | grep -iE "$word" | head -n 2 | cut -c1-300 | while IFS= read -r l; do note "status: $l"; done
  note_dmesg
}

# --- boot 3: upgrade, version mismatch, purge ----------------------------------------------------
stage3() {
  grep -qx 1 "$STATE/stages-done" 2>/dev/null || fail pre-upgrade-old-module "boot 1 did not complete"
  wait_for 60 registered
  verdict pre-upgrade-old-module "loaded $(loaded_version), want $OLD_VERSION; daemon $(systemctl is-active procsentry.service)" \
    sh -c "[ \"\$(cat /sys/module/procsentry/version)\" = '$OLD_VERSION' ] && systemctl is-active -q procsentry.service"
  local pid0 t0 rc
  pid0=$(mainpid)
  t0=$SECONDS
  # The new bundle's install.sh, as the README says: checksums, prerequisites, dpkg -i of both,
  # then its own verdict (exit 0: module loaded, daemon active, status answered).
  (cd /root/bundle-new && ./install.sh) < /dev/null > "$LOGDIR/upgrade-dpkg.log" 2>&1
  rc=$?
  cat "$LOGDIR/upgrade-dpkg.log"
  note "upgrade (bundle install.sh, DKMS build under TCG): $((SECONDS - t0))s"
  verdict upgrade-dpkg "install.sh exited $rc: $(tail -n 3 "$LOGDIR/upgrade-dpkg.log")" \
    sh -c "[ $rc = 0 ] && dpkg-query -W -f '\${Version} \${db:Status-Status}\n' procsentry procsentry-dkms | grep -c '^$NEW_VERSION-.* installed\$' | grep -qx 2"
  local ko
  ko=$(find /lib/modules/"$KREL"/updates/dkms -name 'procsentry.ko*' 2>/dev/null | head -n1)
  verdict upgrade-module-built "module file ${ko:-missing} has version $( [ -n "$ko" ] && modinfo -F version "$ko")" \
    test -n "$ko" -a "$( [ -n "$ko" ] && modinfo -F version "$ko")" = "$NEW_VERSION"
  wait_for 30 sh -c "[ \"\$(cat /sys/module/procsentry/version 2>/dev/null)\" = '$NEW_VERSION' ]"
  verdict upgrade-module-loaded "loaded module version $(loaded_version), want $NEW_VERSION" \
    sh -c "[ \"\$(cat /sys/module/procsentry/version 2>/dev/null)\" = '$NEW_VERSION' ]"
  verdict upgrade-daemon-restarted "MainPID $(mainpid), before the upgrade $pid0" \
    sh -c "p=\$(systemctl show -p MainPID --value procsentry.service); [ \"\$p\" != 0 ] && [ \"\$p\" != '$pid0' ]"
  wait_for 60 registered
  verdict upgrade-daemon-ready "procsentry.service $(systemctl is-active procsentry.service): $(status | head -n 5)" \
    registered
  note "status after the upgrade: $(status | grep -iE 'version|module' | head -n 3 | tr '\n' ' ')"
  verdict upgrade-config-kept "/etc/procsentry/procsentry.json differs from the edited one: $(ls -l /etc/procsentry/)" \
    cmp -s "$D/conf-http.json" /etc/procsentry/procsentry.json
  verdict upgrade-spool-kept "spool at the end of boot 1: $(cat "$STATE/spool-boot1" 2>/dev/null); now: $(spool_list)" \
    spool_kept "$STATE/spool-boot1"

  # The old module under the new daemon: status must say so and what to do.
  systemctl stop procsentry.service
  rmmod procsentry
  insmod /root/old-module/procsentry.ko
  systemctl start procsentry.service
  mismatch() { status | grep -qi mismatch; }
  wait_for 30 mismatch
  verdict mismatch-reported "module $(loaded_version) under daemon $NEW_VERSION: procsentryctl status: $(status | head -n 8)" \
    mismatch
  status | grep -i -A1 mismatch | head -n 3 | cut -c1-300 | while IFS= read -r l; do note "mismatch: $l"; done

  # Purge: nothing of procsentry is left.
  dpkg --purge procsentry procsentry-dkms < /dev/null > "$LOGDIR/purge-dpkg.log" 2>&1
  rc=$?
  cat "$LOGDIR/purge-dpkg.log"
  verdict purge-dpkg "dpkg --purge exited $rc: $(tail -n 3 "$LOGDIR/purge-dpkg.log")" \
    sh -c "[ $rc = 0 ] && ! dpkg-query -W -f '\${db:Status-Status}\n' procsentry procsentry-dkms 2>/dev/null | grep -qv not-installed"
  verdict purge-module-unloaded "/sys/module/procsentry still there (version $(loaded_version))" \
    test ! -e /sys/module/procsentry
  local left
  left=$(find /lib/modules /usr/src /var/lib/dkms -name '*procsentry*' 2>/dev/null | head -n 5)
  verdict purge-module-files "left: $left" test -z "$left"
  units_gone() {
    ! systemctl cat procsentry.service >/dev/null 2>&1 && ! systemctl cat procsentry-module.service >/dev/null 2>&1 \
      && [ -z "$(find /lib/systemd /etc/systemd /usr/lib/systemd -name 'procsentry*' ! -name 'procsentry-install-check*' 2>/dev/null)" ]
  }
  verdict purge-units "left: $(find /lib/systemd /etc/systemd /usr/lib/systemd -name 'procsentry*' ! -name 'procsentry-install-check*' 2>/dev/null | head -n 5) $(systemctl cat procsentry.service 2>&1 | head -n 1)" \
    units_gone
  left=$(ls -d /var/lib/procsentry /etc/procsentry /var/log/procsentry /run/procsentry /usr/sbin/procsentry* 2>/dev/null)
  verdict purge-state "left: $left" test -z "$left"
  verdict purge-dkms "dkms status: $(dkms status 2>&1 | grep procsentry)" \
    sh -c "! dkms status 2>/dev/null | grep -q procsentry"
  echo 3 >> "$STATE/stages-done"
}

case "$stage" in
  1) stage1 ;;
  2) refused sig signature ;;
  2b) refused lockdown lockdown ;;
  3) stage3 ;;
  *) fail stage "unknown stage '$stage' (psi_stage= on the kernel command line)" ;;
esac
