#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge the procsentryd end-to-end run from a guest's serial log.

    check_alerts.py LOG             PASS/FAIL per scenario, "N passed, N failed"; exit 1 on a failure
    check_alerts.py --demo LOG      the demo's alerts, one readable line each, and one raw JSON

The guest (tests/vm/daemon/run.sh) prints E2E-FACT / E2E-OUT / E2E-ALERT lines; this reads
them back and asserts the exact fields of the exact alerts each scenario must have produced
(and that the ones it must not produce are absent), per the rules in tests/vm/daemon/e2e.json.
Python 3 standard library only.
"""
import json
import re
import sys

SEVERITIES = ("info", "low", "medium", "high", "critical")
RFC3339_NS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}(Z|[+-]\d\d:\d\d)$")


class Run:
    """What one guest run printed."""

    def __init__(self, text):
        self.facts = {}       # key -> list of values (a key may repeat, e.g. daemon_started)
        self.outs = {}        # name -> list of lines (the latest capture under that name wins)
        self.alerts = []      # parsed alert objects, file order
        self.xalerts = {}     # E2E-XALERT <tag>: the later scenarios' own alert files, parsed
        self.bad_lines = []   # alert lines that are not JSON objects
        self.raw = []         # the raw alert lines
        self.begun = False
        self.ended = False
        self.steps = set()
        self.log = []
        last_out = None  # consecutive E2E-OUT lines of one name are one capture
        for line in text.splitlines():
            if line.startswith("E2E-OUT "):
                parts = line.split(" ", 2)
                name = parts[1]
                if name != last_out:
                    self.outs[name] = []  # a later capture under the same name wins
                self.outs[name].append(parts[2] if len(parts) > 2 else "")
                last_out = name
                continue
            last_out = None
            if line.startswith("E2E-SUITE-BEGIN"):
                self.begun = True
            elif line.startswith("E2E-SUITE-END"):
                self.ended = True
            elif line.startswith("E2E-END "):
                self.steps.add(line.split(" ", 1)[1].strip())
            elif line.startswith("E2E-FACT "):
                parts = line.split(" ", 2)
                self.facts.setdefault(parts[1], []).append(parts[2] if len(parts) > 2 else "")
            elif line.startswith("E2E-ALERT "):
                raw = line[len("E2E-ALERT "):]
                self.raw.append(raw)
                try:
                    obj = json.loads(raw)
                    if not isinstance(obj, dict):
                        raise ValueError("not an object")
                    self.alerts.append(obj)
                except ValueError as e:
                    self.bad_lines.append("%s: %s" % (e, raw[:200]))
            elif line.startswith("E2E-XALERT "):
                parts = line.split(" ", 2)
                raw = parts[2] if len(parts) > 2 else ""
                try:
                    obj = json.loads(raw)
                    if not isinstance(obj, dict):
                        raise ValueError("not an object")
                    self.xalerts.setdefault(parts[1], []).append(obj)
                except ValueError as e:
                    self.bad_lines.append("%s %s: %s" % (parts[1], e, raw[:200]))
            elif line.startswith("E2E-LOG "):
                self.log.append(line[len("E2E-LOG "):])

    def fact(self, key, index=-1):
        v = self.facts.get(key)
        return v[index] if v else None

    def out_json(self, name):
        lines = self.outs.get(name)
        if not lines:
            return None
        try:
            return json.loads("\n".join(lines))
        except ValueError:
            return None


def g(obj, *path):
    """obj[path0][path1]..., None when any step is missing."""
    for p in path:
        if isinstance(obj, dict):
            obj = obj.get(p)
        elif isinstance(obj, list) and isinstance(p, int) and -len(obj) <= p < len(obj):
            obj = obj[p]
        else:
            return None
    return obj


class Check:
    """One scenario's expectations; every failed one is kept with expected and actual."""

    def __init__(self, name):
        self.name = name
        self.errors = []
        self.notes = []

    def eq(self, what, actual, expected):
        if actual != expected:
            self.errors.append("%s: expected %r, got %r" % (what, expected, actual))
        return actual == expected

    def true(self, what, cond, detail=""):
        if not cond:
            self.errors.append("%s%s" % (what, (": " + detail) if detail else ""))
        return bool(cond)

    def fact_eq(self, run, key, expected):
        v = run.fact(key)
        return self.eq("fact %s" % key, None if v is None else v.strip(), expected)


def rule_alerts(run, rule, pred=lambda a: True, tag=None):
    alerts = run.alerts if tag is None else run.xalerts.get(tag, [])
    return [a for a in alerts if a.get("kind") == "rule" and g(a, "rule", "name") == rule and pred(a)]


def exe_is(path):
    return lambda a: g(a, "process", "exe") == path


def one(c, alerts, what):
    """Exactly one alert: returns it (or None after noting the count)."""
    if len(alerts) != 1:
        c.errors.append("%s: expected exactly 1 alert, got %d%s" % (
            what, len(alerts), "".join("\n      " + json.dumps(a)[:400] for a in alerts[:3])))
        return None
    return alerts[0]


def none_of(c, alerts, what):
    c.true("%s: expected no alert" % what, not alerts,
           "got %d: %s" % (len(alerts), "; ".join(json.dumps(a)[:300] for a in alerts[:2])))


def expect_alert(c, a, what, rtype, outcome, severity, exe=None, uid=None, user=None, errno=None,
                 status=None, signal=None, core=None, **extra):
    """The exact fields of one rule alert (errno/status/signal None means: must be absent)."""
    if a is None:
        return
    c.eq(what + " rule.type", g(a, "rule", "type"), rtype)
    c.eq(what + " outcome", a.get("outcome"), outcome)
    c.eq(what + " severity", a.get("severity"), severity)
    c.eq(what + " count", a.get("count"), 1)
    if exe is not None:
        c.eq(what + " process.exe", g(a, "process", "exe"), exe)
    if uid is not None:
        c.eq(what + " process.uid", g(a, "process", "uid"), uid)
    if user is not None:
        c.eq(what + " process.user", g(a, "process", "user"), user)
    c.eq(what + " call.errno", g(a, "call", "errno"), errno)
    if rtype == "termination-failure":
        c.eq(what + " exit.status", g(a, "exit", "status"), status)
        c.eq(what + " exit.signal", g(a, "exit", "signal"), signal)
        c.eq(what + " exit.core_dumped", g(a, "exit", "core_dumped"), bool(core))
    for k, v in extra.items():
        path = k.split("__")
        c.eq("%s %s" % (what, ".".join(path)), g(a, *[int(p) if p.isdigit() else p for p in path]), v)
    c.true(what + " summary is one non-empty line",
           isinstance(a.get("summary"), str) and a["summary"] and "\n" not in a["summary"])


def sc_schema(run):
    c = Check("daemon_alert_schema")
    c.true("alert file lines are JSON objects", not run.bad_lines, "; ".join(run.bad_lines[:3]))
    c.true("alerts were written", run.alerts)
    ids = [a.get("id") for a in run.alerts]
    c.true("alert ids unique and present", len(set(ids)) == len(ids) and all(ids))
    for tag, xs in sorted(run.xalerts.items()):
        ids = [a.get("id") for a in xs]
        c.true("%s alert file: ids unique and present" % tag, len(set(ids)) == len(ids) and all(ids))
    for a in run.alerts + [a for xs in run.xalerts.values() for a in xs]:
        what = "alert %s" % a.get("id")
        c.true(what + " kind", a.get("kind") in ("rule", "sensor", "summary"), repr(a.get("kind")))
        c.true(what + " severity", a.get("severity") in SEVERITIES, repr(a.get("severity")))
        c.true(what + " time is RFC 3339 with ns", RFC3339_NS.match(str(a.get("time"))), repr(a.get("time")))
        c.true(what + " schema", a.get("schema") is not None)
        c.true(what + " host.name", g(a, "host", "name") == "procsentry-vm", repr(g(a, "host", "name")))
        if len(c.errors) > 6:
            break
    return c


def sc_status(run):
    c = Check("daemon_status")
    c.fact_eq(run, "status_root_rc", "0")
    c.true("status (text) printed something", any(l.strip() for l in run.outs.get("status_root", [])))
    c.fact_eq(run, "status_json_rc", "0")
    st = run.out_json("status_json")
    c.true("status --json is JSON", st is not None, "\n".join(run.outs.get("status_json", []))[:300])
    if st is not None:
        c.eq("status ok", st.get("ok"), True)
        c.eq("status.kernel.state", g(st, "status", "kernel", "state"), "registered")
        c.true("status.kernel.abi_version", isinstance(g(st, "status", "kernel", "abi_version"), int))
        c.eq("status.monitoring", g(st, "status", "monitoring"), "enabled")
        c.eq("status.config.rules", g(st, "status", "config", "rules"), 4)
        c.eq("status.config.last_reload_error", g(st, "status", "config", "last_reload_error"), "")
    rc = run.fact("status_alice_rc")
    c.true("procsentryctl status refused for alice (non-zero exit)", rc is not None and rc.strip() != "0",
           "rc=%s" % rc)
    alice = "\n".join(run.outs.get("status_alice", []))
    c.true("alice got no status", '"kernel"' not in alice and "registered" not in alice, alice[:200])
    c.true("alice was told why", re.search(r"permission|denied|refused|not root", alice, re.I), alice[:200])
    # Through a socket opened to everyone, the daemon itself refuses (SO_PEERCRED).
    rc = run.fact("status_alice_peer_rc")
    c.true("daemon refuses alice on an open socket (non-zero exit)", rc is not None and rc.strip() != "0",
           "rc=%s" % rc)
    alice = "\n".join(run.outs.get("status_alice_peer", []))
    c.true("alice got no status from the daemon", '"kernel"' not in alice and "registered" not in alice, alice[:200])
    c.true("the daemon told alice why", re.search(r"root", alice, re.I), alice[:200])
    return c


def sc_bin(run):
    c = Check("daemon_bin_execution")
    c.fact_eq(run, "tool_rc", "0")
    c.fact_eq(run, "noexec_rc", "126")
    a = one(c, rule_alerts(run, "e2e-bin", exe_is("/e2e/w/e2e-tool")), "e2e-bin /e2e/w/e2e-tool")
    expect_alert(c, a, "exec success", "bin-execution", "success", "medium", exe="/e2e/w/e2e-tool", uid=0,
                 user="root", process__args=["/e2e/w/e2e-tool", "s1"], process__filename="/e2e/w/e2e-tool")
    a = one(c, rule_alerts(run, "e2e-bin", lambda a: g(a, "process", "filename") == "/e2e/w/e2e-noexec"),
            "e2e-bin filename /e2e/w/e2e-noexec")
    expect_alert(c, a, "exec failure", "bin-execution", "failure", "high", exe="/e2e/w/e2e-noexec", uid=0,
                 user="root", errno="EACCES", call__name="execve")
    # Nothing else of this rule in the whole run: the tool, the refused exec, and the reload
    # and restart scenarios' programs.
    names = sorted(g(a, "process", "filename") or g(a, "process", "exe") or "?" for a in rule_alerts(run, "e2e-bin"))
    c.eq("every e2e-bin alert of the run", names,
         sorted(["/e2e/w/e2e-tool", "/e2e/w/e2e-noexec", "/e2e/w/e2e-r1", "/e2e/w/e2e-r2", "/e2e/w/e2e-k1"]))
    return c


def sc_root(run):
    c = Check("daemon_root_escalation")
    c.fact_eq(run, "suid_exec_rc", "0")
    c.fact_eq(run, "setuid0_rc", "0")
    c.fact_eq(run, "sudo_refused_rc", "1")
    succ = rule_alerts(run, "e2e-root", lambda a: a.get("outcome") == "success")
    a = one(c, succ, "e2e-root success (alice runs set-user-ID-root e2e-suid, which execs e2e-true)")
    expect_alert(c, a, "set-user-ID escalation", "root-escalation", "success", "critical",
                 exe="/e2e/suid/e2e-suid", uid=1000, user="alice", process__euid=0, call__name="execve",
                 process__args=["/e2e/suid/e2e-suid", "exec", "/e2e/bin/e2e-true", "s2a"],
                 credentials__before__euid=1000, credentials__after__euid=0, credentials__after__uid=1000)
    if a is not None:
        c.true("set-user-ID escalation technique T1548.001", "T1548.001" in (a.get("techniques") or []),
               repr(a.get("techniques")))
        c.true("set-user-ID exec flagged secure", "secure" in (a.get("exec_flags") or []), repr(a.get("exec_flags")))
    a = one(c, rule_alerts(run, "e2e-root", exe_is("/e2e/bin/e2e-setuid")), "e2e-root /e2e/bin/e2e-setuid")
    expect_alert(c, a, "refused setuid(0)", "root-escalation", "failure", "high", exe="/e2e/bin/e2e-setuid",
                 uid=1000, user="alice", errno="EPERM", call__name="setuid", call__args=[0], process__euid=1000,
                 credentials__after__euid=1000)
    a = one(c, rule_alerts(run, "e2e-root", exe_is("/e2e/suid/e2e-sudo")), "e2e-root /e2e/suid/e2e-sudo")
    expect_alert(c, a, "refused sudo pattern", "root-escalation", "failure", "high", exe="/e2e/suid/e2e-sudo",
                 uid=1000, user="alice", exit__status=1, exit__signal=None, process__args=["/e2e/suid/e2e-sudo", "exit", "1"])
    c.eq("e2e-root alerts in the run", len(rule_alerts(run, "e2e-root")), 3)
    return c


def sc_term(run):
    c = Check("daemon_termination_failure")
    c.fact_eq(run, "exit3_rc", "3")
    c.fact_eq(run, "victim_rc", "137")
    c.fact_eq(run, "crash_rc", "139")
    c.fact_eq(run, "cores", "1")
    a = one(c, rule_alerts(run, "e2e-term", lambda a: "exit 3 # e2e-s3" in (g(a, "process", "args") or [])),
            "e2e-term sh -c 'exit 3 # e2e-s3'")
    expect_alert(c, a, "exit 3", "termination-failure", "success", "low", exe="/bin/busybox", uid=0, user="root",
                 status=3)
    a = one(c, rule_alerts(run, "e2e-term", exe_is("/e2e/bin/e2e-victim")), "e2e-term e2e-victim")
    expect_alert(c, a, "kill -9", "termination-failure", "failure", "medium", exe="/e2e/bin/e2e-victim",
                 user="root", signal="SIGKILL", exit__signal_number=9)
    a = one(c, rule_alerts(run, "e2e-term", exe_is("/e2e/bin/e2e-crash")), "e2e-term e2e-crash")
    expect_alert(c, a, "SIGSEGV", "termination-failure", "failure", "medium", exe="/e2e/bin/e2e-crash",
                 user="root", signal="SIGSEGV", core=True, exit__signal_number=11)
    return c


def sc_skip(run):
    c = Check("daemon_skip_lists")

    def any_rule(exe):
        return [a for a in run.alerts if g(a, "process", "exe") == exe]

    none_of(c, any_rule("/usr/bin/e2e-px"), "skip_paths /usr/bin: /usr/bin/e2e-px (any rule)")
    a = one(c, rule_alerts(run, "e2e-skip", exe_is("/usr/binx/e2e-px")), "sibling dir /usr/binx/e2e-px")
    expect_alert(c, a, "/usr/binx/e2e-px", "bin-execution", "success", "low", exe="/usr/binx/e2e-px")
    a = one(c, rule_alerts(run, "e2e-term", exe_is("/usr/binx/e2e-px")), "e2e-term /usr/binx/e2e-px exit 6")
    expect_alert(c, a, "/usr/binx/e2e-px exit 6", "termination-failure", "success", "low",
                 exe="/usr/binx/e2e-px", status=6)
    a = one(c, rule_alerts(run, "e2e-skip", exe_is("/tmp/e2e-dd")), "/usr/bin/../../tmp/e2e-dd")
    expect_alert(c, a, "dot-dot path", "bin-execution", "success", "low", exe="/tmp/e2e-dd",
                 process__filename="/usr/bin/../../tmp/e2e-dd")
    none_of(c, any_rule("/usr/binx/e2e-skipme"), "skip_commands e2e-skipme: /usr/binx/e2e-skipme (any rule)")
    a = one(c, rule_alerts(run, "e2e-skip", exe_is("/usr/binx/e2e-skipme2")), "/usr/binx/e2e-skipme2")
    expect_alert(c, a, "e2e-skipme2", "bin-execution", "success", "low", exe="/usr/binx/e2e-skipme2")
    a = one(c, rule_alerts(run, "e2e-skip", exe_is("/usr/binx/e2e-real")), "symlink e2e-skipme -> e2e-real")
    expect_alert(c, a, "symlink named e2e-skipme", "bin-execution", "success", "low", exe="/usr/binx/e2e-real",
                 process__comm="e2e-skipme", process__filename="/tmp/lnk/e2e-skipme")
    a = one(c, rule_alerts(run, "e2e-skip", exe_is("/usr/binx/e2e-arg0")), "argv[0] e2e-skipme")
    expect_alert(c, a, "exec -a e2e-skipme", "bin-execution", "success", "low", exe="/usr/binx/e2e-arg0",
                 process__args__0="e2e-skipme")
    a = one(c, rule_alerts(run, "e2e-term", exe_is("/e2e/bin/e2e-renamed")), "prctl-renamed e2e-skipme exit 4")
    expect_alert(c, a, "PR_SET_NAME e2e-skipme", "termination-failure", "success", "low",
                 exe="/e2e/bin/e2e-renamed", process__comm="e2e-skipme", status=4)
    one(c, rule_alerts(run, "e2e-skip", exe_is("/usr/binx/e2e-sentinel4")), "sentinel e2e-sentinel4")
    return c


def sc_reload(run):
    c = Check("daemon_reload")
    rc = run.fact("checkconfig_bad_rc")
    c.true("check-config of the bad file fails", rc is not None and rc.strip() == "1", "rc=%s" % rc)
    cc = "\n".join(run.outs.get("checkconfig_bad", []))
    for word in ("bad.json", "severity", "success", "bogus"):
        c.true("check-config names %r" % word, word in cc, cc[:300])
    c.fact_eq(run, "checkconfig_v2_rc", "0")
    st = run.out_json("status_bad_reload")
    err = g(st, "status", "config", "last_reload_error")
    c.true("status after SIGHUP with a bad file: last_reload_error names the problem",
           isinstance(err, str) and "bogus" in err, repr(err))
    c.eq("status after bad SIGHUP: config.rules", g(st, "status", "config", "rules"), 4)
    a = one(c, rule_alerts(run, "e2e-bin", exe_is("/e2e/w/e2e-r1")), "e2e-bin e2e-r1 (old rules)")
    expect_alert(c, a, "after a bad reload", "bin-execution", "success", "medium", exe="/e2e/w/e2e-r1")
    rc = run.fact("reload_bad_rc")
    c.true("procsentryctl reload of the bad file fails", rc is not None and rc.strip() != "0", "rc=%s" % rc)
    rb = "\n".join(run.outs.get("reload_bad", []))
    c.true("procsentryctl reload says it kept the configuration", re.search(r"keep|kept", rb, re.I), rb[:300])
    c.fact_eq(run, "reload_good_rc", "0")
    st = run.out_json("status_good_reload")
    c.eq("status after a good reload: last_reload_error", g(st, "status", "config", "last_reload_error"), "")
    a = one(c, rule_alerts(run, "e2e-bin", exe_is("/e2e/w/e2e-r2")), "e2e-bin e2e-r2 (new rules)")
    expect_alert(c, a, "after a good reload", "bin-execution", "success", "critical", exe="/e2e/w/e2e-r2")
    return c


def sc_restart(run):
    c = Check("daemon_kill_restart")
    c.fact_eq(run, "daemon_killed_rc", "137")
    c.eq("daemon starts", len(run.facts.get("daemon_started", [])), 2)
    storm = " ".join(run.outs.get("storm", []))
    m = re.search(r"storm (\d+) execs, (\d+) failed", storm)
    c.true("exec storm ran", m and int(m.group(1)) > 0 and m.group(2) == "0", storm[:200])
    c.fact_eq(run, "storm_rc", "0")
    gaps = [a for a in run.alerts if a.get("kind") == "sensor" and g(a, "sensor", "what") == "monitoring_gap"]
    a = one(c, gaps, "sensor monitoring_gap")
    if a is not None:
        c.eq("monitoring_gap severity (daemon.loss_severity)", a.get("severity"), "high")
        detail = str(g(a, "sensor", "detail")) + " " + str(a.get("summary"))
        c.true("monitoring_gap says the daemon was killed", "killed" in detail, detail[:300])
    lost = [a for a in run.alerts if a.get("kind") == "sensor" and g(a, "sensor", "what") != "monitoring_gap"]
    for a in lost:
        c.true("sensor alert %s counts what it lost" % g(a, "sensor", "what"),
               isinstance(g(a, "sensor", "count"), int) and g(a, "sensor", "count") > 0, json.dumps(a)[:300])
    a = one(c, rule_alerts(run, "e2e-bin", exe_is("/e2e/w/e2e-k1")), "e2e-bin e2e-k1 after the restart")
    # The restarted daemon read the file as the reload left it.
    expect_alert(c, a, "after the restart", "bin-execution", "success", "critical", exe="/e2e/w/e2e-k1")
    c.fact_eq(run, "status_restart_rc", "0")
    st = run.out_json("status_restart")
    c.eq("status after restart: kernel.state", g(st, "status", "kernel", "state"), "registered")
    rec = g(st, "status", "records")
    # 2 s of storm after the restart: FORK+EXEC+EXIT per exec, even at 10 execs/s.
    c.true("restarted daemon read the storm's records (>= 50)", isinstance(rec, int) and rec >= 50, repr(rec))
    c.notes.append("%s records after the restart" % rec)
    loss = g(st, "status", "loss")
    c.true("status after restart reports loss counters", isinstance(loss, (dict, int)), repr(loss)[:200])
    c.notes.append("loss %s; sensor alerts %s" % (
        json.dumps(loss)[:200], [(g(a, "sensor", "what"), g(a, "sensor", "count")) for a in lost]))
    return c


def sc_stop(run):
    c = Check("daemon_sigterm")
    c.fact_eq(run, "daemon_term_rc", "0")
    c.true("no daemon_term problem", run.fact("daemon_term") is None, str(run.fact("daemon_term")))
    return c


def sensor_alerts(run, what, tag):
    return [a for a in run.xalerts.get(tag, []) if a.get("kind") == "sensor" and g(a, "sensor", "what") == what]


def status_of(c, run, name):
    """status --json captured as NAME: its "status" object (an error when it is missing)."""
    st = run.out_json(name)
    c.true("%s is status JSON" % name, st is not None and st.get("ok") is True,
           "\n".join(run.outs.get(name, []))[:300])
    return g(st, "status") or {}


def fact_ok(c, run, key):
    """A fact that must be "0" (an exit status); a missing one fails."""
    return c.fact_eq(run, key, "0")


def sc_degraded(run):
    c = Check("daemon_degraded_start")
    fact_ok(c, run, "rmmod_rc")
    c.fact_eq(run, "module_loaded_before_start", "0")
    c.true("procsentryd answered while the module was not loaded", run.fact("x_degraded_start_failed") is None,
           "%s (exit %s)" % (run.fact("x_degraded_start_failed"), run.fact("x_degraded_exit_rc")))
    st = status_of(c, run, "status_degraded")
    c.eq("status without the module: kernel.state", g(st, "kernel", "state"), "degraded")
    reason = str(g(st, "kernel", "reason"))
    c.true("kernel.reason says the module is not loaded", "module not loaded" in reason, reason[:300])
    c.true("kernel.reason says how to fix it", "modprobe procsentry" in reason, reason[:300])
    c.eq("status without the module: monitoring", g(st, "monitoring"), "enabled")
    a = one(c, sensor_alerts(run, "sensor_degraded", "x"), "sensor sensor_degraded")
    if a is not None:
        c.eq("sensor_degraded severity", a.get("severity"), "high")
        detail = str(g(a, "sensor", "detail"))
        c.true("sensor_degraded detail names the missing module", "module not loaded" in detail, detail[:300])
        c.true("sensor_degraded summary is one non-empty line",
               isinstance(a.get("summary"), str) and a["summary"] and "\n" not in a["summary"])
    fact_ok(c, run, "insmod_rc")
    secs = run.fact("status_recovered_secs")
    c.true("registered within 12 s of insmod", secs is not None and secs.strip().isdigit(), "took %s" % secs)
    if secs and secs.strip().isdigit():
        c.notes.append("registered %s s after insmod" % secs.strip())
    st = status_of(c, run, "status_recovered")
    c.eq("status after insmod: kernel.state", g(st, "kernel", "state"), "registered")
    a = one(c, rule_alerts(run, "e2e-bin", exe_is("/e2e/w/e2e-x1"), tag="x"), "e2e-bin e2e-x1 after insmod")
    expect_alert(c, a, "exec after recovery", "bin-execution", "success", "medium", exe="/e2e/w/e2e-x1", uid=0,
                 user="root", process__args=["/e2e/w/e2e-x1"])
    fact_ok(c, run, "degraded_daemon_alive")
    return c


def sc_disable(run):
    c = Check("daemon_disable_enable")
    fact_ok(c, run, "disable_rc")
    a = one(c, sensor_alerts(run, "monitoring_disabled", "x"), "sensor monitoring_disabled")
    if a is not None:
        c.eq("monitoring_disabled severity", a.get("severity"), "medium")
    st = status_of(c, run, "status_disabled")
    c.eq("status after disable: monitoring", g(st, "monitoring"), "disabled")
    c.eq("status after disable: kernel.state", g(st, "kernel", "state"), "disabled")
    for name in ("/e2e/w/e2e-d1", "/e2e/w/e2e-d2"):
        none_of(c, [a for a in run.xalerts.get("x", []) if g(a, "process", "exe") == name],
                "exec of %s while disabled (any rule)" % name)
    fact_ok(c, run, "x_disable1_term_rc")
    c.true("the daemon restarted on the same state dir", run.fact("x_disable2_start_failed") is None,
           str(run.fact("x_disable2_start_failed")))
    st = status_of(c, run, "status_disabled_restart")
    c.eq("status after a restart: monitoring (persisted)", g(st, "monitoring"), "disabled")
    c.eq("status after a restart: kernel.state", g(st, "kernel", "state"), "disabled")
    fact_ok(c, run, "enable_rc")
    a = one(c, sensor_alerts(run, "monitoring_enabled", "x"), "sensor monitoring_enabled")
    if a is not None:
        c.eq("monitoring_enabled severity", a.get("severity"), "info")
    st = status_of(c, run, "status_enabled")
    c.eq("status after enable: monitoring", g(st, "monitoring"), "enabled")
    c.eq("status after enable: kernel.state", g(st, "kernel", "state"), "registered")
    a = one(c, rule_alerts(run, "e2e-bin", exe_is("/e2e/w/e2e-d3"), tag="x"), "e2e-bin e2e-d3 after enable")
    expect_alert(c, a, "exec after enable", "bin-execution", "success", "medium", exe="/e2e/w/e2e-d3", uid=0,
                 user="root")
    return c


def sc_tail(run):
    c = Check("daemon_ctl_tail")
    fact_ok(c, run, "tail_alive")
    a = one(c, rule_alerts(run, "e2e-bin", exe_is("/e2e/w/e2e-t1"), tag="x"), "e2e-bin e2e-t1 in the alert file")
    expect_alert(c, a, "exec while tailing", "bin-execution", "success", "medium", exe="/e2e/w/e2e-t1")
    tailed = []
    for line in run.outs.get("tail", []):
        try:
            obj = json.loads(line)
        except ValueError:
            c.errors.append("tail printed a line that is not JSON: %s" % line[:200])
            continue
        if isinstance(obj, dict) and g(obj, "process", "exe") == "/e2e/w/e2e-t1":
            tailed.append(obj)
    t = one(c, tailed, "procsentryctl tail: the e2e-t1 alert")
    if a is not None and t is not None:
        c.eq("tailed alert id = alert file id", t.get("id"), a.get("id"))
        c.true("tailed alert = alert file's, field for field", t == a,
               "tail %s / file %s" % (json.dumps(t)[:200], json.dumps(a)[:200]))
    err = " ".join(run.outs.get("tail_err", [])).strip()
    c.true("tail reported no error or drop", not err, err[:200])
    fact_ok(c, run, "x_tail_term_rc")
    return c


def sc_default_config(run):
    c = Check("daemon_default_config")
    fact_ok(c, run, "checkconfig_default_rc")
    c.true("procsentryd started on the shipped configuration", run.fact("x_default_start_failed") is None,
           "%s (exit %s); log: %s" % (run.fact("x_default_start_failed"), run.fact("x_default_exit_rc"),
                                      " | ".join(run.log[-5:])[:500]))
    st = status_of(c, run, "status_default")
    c.eq("status: kernel.state", g(st, "kernel", "state"), "registered")
    c.eq("status: config.file", g(st, "config", "file"), "/etc/procsentry/procsentry.json")
    c.eq("status: config.rules", g(st, "config", "rules"), 9)
    sinks = {s.get("name"): s for s in (g(st, "sinks") or []) if isinstance(s, dict)}
    c.eq("status: sinks", sorted(sinks), ["file", "syslog"])
    c.eq("file sink healthy", g(sinks, "file", "healthy"), True)
    c.eq("file sink delivered", g(sinks, "file", "delivered"), len(run.xalerts.get("default", [])))
    if (run.fact("dev_log_exists") or "").strip() == "0":
        c.eq("syslog sink without /dev/log: healthy", g(sinks, "syslog", "healthy"), False)
        err = str(g(sinks, "syslog", "last_error"))
        c.true("syslog sink's last_error names /dev/log", "/dev/log" in err, err[:200])
        c.notes.append("syslog: %s" % err[:120])
    fact_ok(c, run, "w1_rc")
    mine = rule_alerts(run, "exec-from-writable-dir", tag="default")
    a = one(c, mine, "exec-from-writable-dir (the whole run on the shipped configuration)")
    expect_alert(c, a, "/tmp/x/e2e-w1", "bin-execution", "success", "high", exe="/tmp/x/e2e-w1", uid=0,
                 user="root", process__args=["/tmp/x/e2e-w1"], process__filename="/tmp/x/e2e-w1")
    fact_ok(c, run, "x_default_term_rc")
    return c


SCENARIOS = (sc_status, sc_bin, sc_root, sc_term, sc_skip, sc_reload, sc_restart, sc_stop, sc_degraded,
             sc_disable, sc_tail, sc_default_config, sc_schema)


def check(text, out=sys.stdout):
    run = Run(text)
    passed = failed = 0
    for fn in SCENARIOS:
        c = fn(run)
        if not run.begun:
            c.errors = ["the daemon suite did not run (no E2E-SUITE-BEGIN in the log)"]
        elif not run.ended:
            c.errors.append("the daemon suite did not finish (no E2E-SUITE-END: guest timeout?)")
        # When the suite could not start, its consequences are noise: say only why.
        if run.fact("missing"):
            c.errors = ["image: " + run.fact("missing")]
        elif run.fact("daemon_start_failed", 0) and len(run.facts.get("daemon_started", [])) == 0:
            c.errors = ["procsentryd did not start: " + run.fact("daemon_start_failed", 0)]
        if c.errors:
            failed += 1
            out.write("FAIL %s (%d failed expectations)\n" % (c.name, len(c.errors)))
            for e in c.errors:
                out.write("    %s\n" % e)
        else:
            passed += 1
            out.write("PASS %s%s\n" % (c.name, (" (" + "; ".join(c.notes) + ")") if c.notes else ""))
    for w in run.facts.get("wait_timeout", []):
        out.write("    note: guest waited in vain for %s\n" % w)
    if failed and run.log:
        out.write("--- procsentryd log (last lines) ---\n")
        for l in run.log[-25:]:
            out.write("    %s\n" % l)
    out.write("%d passed, %d failed\n" % (passed, failed))
    return failed == 0


def demo(text, out=sys.stdout):
    run = Run(text)
    out.write("\n=== procsentryd alerts (%d) ===\n" % len(run.alerts))
    for a in run.alerts:
        if a.get("kind") == "rule":
            label = "%s/%s" % (g(a, "rule", "name"), a.get("outcome"))
        else:
            label = "%s:%s" % (a.get("kind"), g(a, "sensor", "what") or "")
        out.write("%-8s  %-34s  %s\n" % (str(a.get("severity")).upper(), label, a.get("summary")))
    pick = next((r for r, a in zip(run.raw, run.alerts) if g(a, "rule", "type") == "root-escalation"), None)
    pick = pick or (run.raw[0] if run.raw else None)
    if pick:
        out.write("\n=== one alert as JSON ===\n%s\n" % json.dumps(json.loads(pick), indent=2))
    kinds = {(g(a, "rule", "type"), a.get("outcome")) for a in run.alerts if a.get("kind") == "rule"}
    want = {(t, o) for t in ("bin-execution", "root-escalation", "termination-failure")
            for o in ("success", "failure")}
    missing = sorted(want - kinds)
    if missing:
        out.write("demo: no alert for %s\n" % ", ".join("%s %s" % m for m in missing))
    return not missing and not run.bad_lines


def main(argv):
    args = argv[1:]
    mode = check
    if args and args[0] == "--demo":
        mode = demo
        args = args[1:]
    if len(args) != 1:
        sys.stderr.write(__doc__)
        return 2
    with open(args[0], "rb") as f:
        text = f.read().decode("utf-8", "replace")
    return 0 if mode(text) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
