#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Self-test of check_alerts.py: a log with exactly the expected alerts passes every scenario,
and each kind of mistake (a wrong field, a missing alert, an extra one, a skipped path that
alerted) fails the scenario it belongs to.  Run: python3 tests/vm/daemon/check_alerts_test.py"""
import copy
import io
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_alerts  # noqa: E402

N = [0]


def alert(rule, rtype, outcome, severity, exe, uid=0, user="root", filename=None, args=None, comm=None,
          errno=None, call=None, status=None, signal=None, signo=None, core=False, euid=None, before=None,
          techniques=(), flags=(), call_args=()):
    N[0] += 1
    a = {
        "schema": 1, "id": "t-%d" % N[0], "time": "2026-11-28T04:00:00.123456789Z",
        "host": {"name": "procsentry-vm", "machine_id": None, "boot_id": "b"},
        "kind": "rule", "severity": severity, "summary": "%s %s %s" % (rule, outcome, exe),
        "rule": {"name": rule, "type": rtype}, "outcome": outcome,
        "process": {"pid": 100 + N[0], "tid": 100 + N[0], "ppid": 1, "exe": exe, "exe_trusted": True,
                    "filename": filename or exe, "args": args or [filename or exe], "args_truncated": False,
                    "comm": comm or exe.rsplit("/", 1)[-1], "uid": uid, "user": user,
                    "euid": uid if euid is None else euid, "euser": user, "gid": uid, "group": user,
                    "loginuid": None, "container": None, "cgroup_id": 1, "start_ns": 1},
        "ancestry": [],
        "credentials": {"before": None if before is None else {"euid": before},
                        "after": {"uid": uid, "euid": uid if euid is None else euid}},
        "call": None if errno is None and call is None else {"name": call, "args": list(call_args), "errno": errno},
        "exit": None if status is None and signal is None else {
            "status": status, "signal": signal, "signal_number": signo, "core_dumped": core},
        "techniques": list(techniques), "reason": None, "exec_flags": list(flags), "count": 1,
        "first_time": "2026-11-28T04:00:00.123456789Z", "last_time": "2026-11-28T04:00:00.123456789Z",
        "first_id": None,
    }
    return a


def good_alerts():
    b, r, t, s = "e2e-bin", "e2e-root", "e2e-term", "e2e-skip"
    BE, RE, TF = "bin-execution", "root-escalation", "termination-failure"
    out = [
        alert(b, BE, "success", "medium", "/e2e/w/e2e-tool", args=["/e2e/w/e2e-tool", "s1"]),
        alert(b, BE, "failure", "high", "/e2e/w/e2e-noexec", errno="EACCES", call="execve"),
        alert(r, RE, "success", "critical", "/e2e/suid/e2e-suid", uid=1000, user="alice", euid=0, before=1000,
              techniques=["T1548.001"], call="execve", flags=["secure"],
              args=["/e2e/suid/e2e-suid", "exec", "/e2e/bin/e2e-true", "s2a"]),
        alert(r, RE, "failure", "high", "/e2e/bin/e2e-setuid", uid=1000, user="alice", errno="EPERM",
              call="setuid", call_args=[0]),
        alert(r, RE, "failure", "high", "/e2e/suid/e2e-sudo", uid=1000, user="alice", euid=0, status=1,
              args=["/e2e/suid/e2e-sudo", "exit", "1"]),
        alert(t, TF, "success", "low", "/e2e/suid/e2e-sudo", uid=1000, user="alice", euid=0, status=1),
        alert(t, TF, "success", "low", "/bin/busybox", args=["sh", "-c", "exit 3 # e2e-s3"], status=3),
        alert(t, TF, "failure", "medium", "/e2e/bin/e2e-victim", signal="SIGKILL", signo=9),
        alert(t, TF, "failure", "medium", "/e2e/bin/e2e-crash", signal="SIGSEGV", signo=11, core=True),
        alert(t, TF, "success", "low", "/bin/busybox", args=["grep", "x"], status=1),  # noise
        alert(s, BE, "success", "low", "/usr/binx/e2e-px"),
        alert(t, TF, "success", "low", "/usr/binx/e2e-px", status=6),
        alert(s, BE, "success", "low", "/tmp/e2e-dd", filename="/usr/bin/../../tmp/e2e-dd"),
        alert(s, BE, "success", "low", "/usr/binx/e2e-skipme2"),
        alert(s, BE, "success", "low", "/usr/binx/e2e-real", filename="/tmp/lnk/e2e-skipme", comm="e2e-skipme"),
        alert(s, BE, "success", "low", "/usr/binx/e2e-arg0", args=["e2e-skipme"]),
        alert(t, TF, "success", "low", "/e2e/bin/e2e-renamed", comm="e2e-skipme", status=4),
        alert(s, BE, "success", "low", "/usr/binx/e2e-sentinel4"),
        alert(b, BE, "success", "medium", "/e2e/w/e2e-r1"),
        alert(b, BE, "success", "critical", "/e2e/w/e2e-r2"),
        alert(b, BE, "success", "critical", "/e2e/w/e2e-k1"),
    ]
    gap = alert(b, BE, "success", "high", "/x")
    for k in ("rule", "outcome", "process", "ancestry", "credentials", "call", "exit", "techniques", "reason",
              "exec_flags", "count", "first_time", "last_time", "first_id"):
        del gap[k]
    gap.update(kind="sensor", summary="monitoring gap",
               sensor={"what": "monitoring_gap", "count": 0,
                       "detail": "procsentryd ended without stopping (killed or crashed)"})
    out.append(gap)
    return out


def sensor(what, severity, detail="", count=0):
    a = alert("-", "-", "-", severity, "/x")
    for k in ("rule", "outcome", "process", "ancestry", "credentials", "call", "exit", "techniques", "reason",
              "exec_flags", "count", "first_time", "last_time", "first_id"):
        del a[k]
    a.update(kind="sensor", summary="sensor: " + what, sensor={"what": what, "count": count, "detail": detail})
    return a


def good_xalerts():
    """The later scenarios' alert files: "x" (degraded, disable, tail) and "default"."""
    b, BE = "e2e-bin", "bin-execution"
    x = [
        sensor("sensor_degraded", "high", "procsentry module not loaded (genl family 'procsentry' not found) "
               "(load it: modprobe procsentry; see `dkms status procsentry`)"),
        alert(b, BE, "success", "medium", "/e2e/w/e2e-x1"),
        sensor("monitoring_disabled", "medium", "procsentryctl disable"),
        sensor("monitoring_gap", "low", "procsentryd stopped for 1 s"),
        sensor("monitoring_enabled", "info", "procsentryctl enable"),
        alert(b, BE, "success", "medium", "/e2e/w/e2e-d3"),
        alert(b, BE, "success", "medium", "/e2e/w/e2e-t1"),
        alert("e2e-term", "termination-failure", "success", "low", "/bin/busybox", args=["grep", "x"], status=1),
    ]
    d = [alert("exec-from-writable-dir", BE, "success", "high", "/tmp/x/e2e-w1")]
    return {"x": x, "default": d}


def status(err="", rules=4, state="registered", monitoring="enabled", reason="", sinks=None, file=None):
    return json.dumps({"ok": True, "status": {
        "monitoring": monitoring, "kernel": {"state": state, "reason": reason, "abi_version": 1},
        "loss": {}, "records": 1234, "sinks": sinks or [],
        "config": {"file": file or "/run/e2e/procsentry.json", "rules": rules, "last_reload_error": err}}})


NOT_LOADED = ("procsentry module not loaded (genl family 'procsentry' not found) "
              "(load it: modprobe procsentry; see `dkms status procsentry`)")
DEFAULT_SINKS = [
    {"name": "file", "type": "file", "healthy": True, "last_error": "", "delivered": 1},
    {"name": "syslog", "type": "syslog", "healthy": False, "last_error": "connect /dev/log: No such file or directory",
     "delivered": 0},
]


FACTS = dict(status_root_rc=0, status_json_rc=0, status_alice_rc=3, status_alice_peer_rc=1, tool_rc=0, noexec_rc=126, suid_exec_rc=0,
             setuid0_rc=0, sudo_refused_rc=1, exit3_rc=3, victim_rc=137, crash_rc=139, cores=1,
             checkconfig_bad_rc=1, checkconfig_v2_rc=0, reload_bad_rc=1, reload_good_rc=0, daemon_killed_rc=137,
             storm_rc=0, status_restart_rc=0, daemon_term_rc=0,
             rmmod_rc=0, module_loaded_before_start=0, insmod_rc=0, status_recovered_secs=4,
             degraded_daemon_alive=0, disable_rc=0, x_disable1_term_rc=0, enable_rc=0, tail_alive=0,
             x_tail_term_rc=0, checkconfig_default_rc=0, dev_log_exists=0, w1_rc=0, x_default_term_rc=0)


def make_log(alerts=None, facts=None, outs=None, starts=2, xalerts=None, tail=None):
    alerts = good_alerts() if alerts is None else alerts
    xalerts = good_xalerts() if xalerts is None else xalerts
    if tail is None:
        tail = [a for a in xalerts.get("x", []) if (a.get("process") or {}).get("exe") == "/e2e/w/e2e-t1"]
    f = dict(FACTS, **(facts or {}))
    o = {
        "status_root": "kernel: registered",
        "status_json": status(),
        "status_alice": "procsentryctl: connect /run/e2e/ctl.sock: Permission denied",
        "status_alice_peer": "procsentryctl: status: permission denied: only root may use this socket",
        "checkconfig_bad": "/run/e2e/bad.json: rules[0].severity.success: unknown severity (got \"bogus\")",
        "status_bad_reload": status("/run/e2e/procsentry.json: rules[0].severity.success: unknown (got \"bogus\")"),
        "reload_bad": "procsentryctl: reload: reload failed, keeping the previous configuration",
        "reload_good": "configuration reloaded",
        "status_good_reload": status(),
        "storm": "e2e-helper: storm 321 execs, 0 failed",
        "status_restart": status(),
        "status_degraded": status(state="degraded", reason=NOT_LOADED),
        "status_recovered": status(),
        "disable": "monitoring disabled",
        "status_disabled": status(state="disabled", monitoring="disabled"),
        "status_disabled_restart": status(state="disabled", monitoring="disabled"),
        "enable": "monitoring enabled",
        "status_enabled": status(),
        "tail": "\n".join(json.dumps(a) for a in tail),
        "checkconfig_default": "/etc/procsentry/procsentry.json: ok (9 rules, 2 sinks)",
        "status_default": status(rules=9, sinks=DEFAULT_SINKS, file="/etc/procsentry/procsentry.json"),
    }
    o.update(outs or {})
    lines = ["E2E-SUITE-BEGIN kernel 6.1"]
    lines += ["E2E-FACT daemon_started pid=1"] * starts
    lines += ["E2E-FACT %s %s" % kv for kv in f.items() if kv[1] is not None]
    for name, text in o.items():
        lines += ["E2E-OUT %s %s" % (name, l) for l in text.split("\n")]
        lines.append("E2E-FACT sep x")
    lines.append("E2E-ALERTS-BEGIN")
    lines += ["E2E-ALERT " + json.dumps(a) for a in alerts]
    lines.append("E2E-ALERTS-END")
    for tag, xs in xalerts.items():
        lines += ["E2E-XALERT %s %s" % (tag, json.dumps(a)) for a in xs]
    lines.append("E2E-SUITE-END")
    return "\n".join(lines) + "\n"


def verdicts(text):
    buf = io.StringIO()
    ok = check_alerts.check(text, buf)
    res = {}
    for line in buf.getvalue().splitlines():
        if line.startswith("PASS ") or line.startswith("FAIL "):
            res[line.split()[1]] = line.split()[0]
    return ok, res, buf.getvalue()


def failing(text):
    ok, res, out = verdicts(text)
    return sorted(k for k, v in res.items() if v == "FAIL"), out


def mutate(pred, **changes):
    alerts = good_alerts()
    hit = 0
    for a in alerts:
        if pred(a):
            hit += 1
            for k, v in changes.items():
                path = k.split("__")
                obj = a
                for p in path[:-1]:
                    obj = obj[p]
                obj[path[-1]] = v
    assert hit == 1, hit
    return alerts


def exe(path, rule=None):
    return lambda a: (a.get("process") or {}).get("exe") == path and (rule is None or a["rule"]["name"] == rule)


class CheckAlertsTest(unittest.TestCase):
    def test_good_log_passes_everything(self):
        ok, res, out = verdicts(make_log())
        self.assertTrue(ok, out)
        self.assertEqual(len(res), len(check_alerts.SCENARIOS), out)
        self.assertIn("0 failed", out)

    def test_no_suite_fails_everything(self):
        ok, res, out = verdicts("boot\n")
        self.assertFalse(ok)
        self.assertEqual(set(res.values()), {"FAIL"})

    def test_wrong_fields_fail_their_scenario(self):
        cases = [
            (mutate(exe("/e2e/w/e2e-tool"), severity="high"), "daemon_bin_execution"),
            (mutate(exe("/e2e/w/e2e-noexec"), call__errno="ENOENT"), "daemon_bin_execution"),
            (mutate(exe("/e2e/suid/e2e-suid"), process__user="root"), "daemon_root_escalation"),
            (mutate(exe("/e2e/bin/e2e-setuid"), call__errno=None), "daemon_root_escalation"),
            (mutate(exe("/e2e/suid/e2e-suid"), exec_flags=[]), "daemon_root_escalation"),
            (mutate(exe("/e2e/w/e2e-k1"), severity="medium"), "daemon_kill_restart"),
            (mutate(exe("/e2e/suid/e2e-sudo", "e2e-root"), outcome="success"), "daemon_root_escalation"),
            (mutate(exe("/e2e/bin/e2e-victim"), exit__signal="SIGTERM"), "daemon_termination_failure"),
            (mutate(exe("/e2e/bin/e2e-crash"), exit__core_dumped=False), "daemon_termination_failure"),
            (mutate(exe("/usr/binx/e2e-real"), process__comm="e2e-real"), "daemon_skip_lists"),
            (mutate(exe("/e2e/w/e2e-r1"), severity="critical"), "daemon_reload"),
            (mutate(exe("/e2e/w/e2e-r2"), severity="medium"), "daemon_reload"),
            (mutate(lambda a: a.get("kind") == "sensor", sensor__what="records_lost"), "daemon_kill_restart"),
            (mutate(exe("/e2e/w/e2e-k1"), time="yesterday"), "daemon_alert_schema"),
        ]
        for alerts, scenario in cases:
            fails, out = failing(make_log(alerts))
            self.assertEqual(fails, [scenario], out)

    def test_missing_and_extra_alerts(self):
        alerts = [a for a in good_alerts() if not exe("/e2e/bin/e2e-victim")(a)]
        self.assertEqual(failing(make_log(alerts))[0], ["daemon_termination_failure"])
        alerts = good_alerts() + [copy.deepcopy(a) for a in good_alerts() if exe("/e2e/w/e2e-tool")(a)]
        alerts[-1]["id"] = "dup"
        self.assertEqual(failing(make_log(alerts))[0], ["daemon_bin_execution"])

    def test_skipped_paths_must_stay_silent(self):
        for path in ("/usr/bin/e2e-px", "/usr/binx/e2e-skipme"):
            extra = alert("e2e-term", "termination-failure", "success", "low", path, status=5)
            self.assertEqual(failing(make_log(good_alerts() + [extra]))[0], ["daemon_skip_lists"], path)

    def test_facts_and_outputs(self):
        self.assertEqual(failing(make_log(facts={"status_alice_rc": 0}))[0], ["daemon_status"])
        self.assertEqual(failing(make_log(facts={"status_alice_peer_rc": 0}))[0], ["daemon_status"])
        self.assertEqual(failing(make_log(outs={"status_bad_reload": status()}))[0], ["daemon_reload"])
        self.assertEqual(failing(make_log(facts={"daemon_term_rc": 143}))[0], ["daemon_sigterm"])
        self.assertEqual(failing(make_log(starts=1))[0], ["daemon_kill_restart"])
        self.assertEqual(failing(make_log(facts={"daemon_start_failed": "rc=78"}, starts=0))[0],
                         sorted(s(check_alerts.Run("")).name for s in check_alerts.SCENARIOS))

    def test_degraded_start(self):
        self.assertEqual(failing(make_log(outs={"status_degraded": status()}))[0], ["daemon_degraded_start"])
        self.assertEqual(failing(make_log(outs={"status_degraded": status(state="degraded", reason="EPERM")}))[0],
                         ["daemon_degraded_start"])
        self.assertEqual(failing(make_log(facts={"status_recovered_secs": "timeout"}))[0], ["daemon_degraded_start"])
        self.assertEqual(failing(make_log(facts={"degraded_daemon_alive": 1}))[0], ["daemon_degraded_start"])
        x = good_xalerts()
        x["x"] = [a for a in x["x"] if (a.get("sensor") or {}).get("what") != "sensor_degraded"]
        self.assertEqual(failing(make_log(xalerts=x))[0], ["daemon_degraded_start"])
        x = good_xalerts()
        x["x"] = [a for a in x["x"] if (a.get("process") or {}).get("exe") != "/e2e/w/e2e-x1"]
        self.assertEqual(failing(make_log(xalerts=x))[0], ["daemon_degraded_start"])

    def test_disable_enable(self):
        x = good_xalerts()
        x["x"].append(alert("e2e-bin", "bin-execution", "success", "medium", "/e2e/w/e2e-d2"))
        self.assertEqual(failing(make_log(xalerts=x))[0], ["daemon_disable_enable"])
        x = good_xalerts()
        x["x"][2]["severity"] = "info"
        self.assertEqual(failing(make_log(xalerts=x))[0], ["daemon_disable_enable"])
        x = good_xalerts()
        x["x"] = [a for a in x["x"] if (a.get("sensor") or {}).get("what") != "monitoring_enabled"]
        self.assertEqual(failing(make_log(xalerts=x))[0], ["daemon_disable_enable"])
        self.assertEqual(failing(make_log(outs={"status_disabled_restart": status()}))[0], ["daemon_disable_enable"])
        self.assertEqual(failing(make_log(outs={"status_enabled": status(state="disabled")}))[0],
                         ["daemon_disable_enable"])

    def test_tail(self):
        self.assertEqual(failing(make_log(tail=[]))[0], ["daemon_ctl_tail"])
        x = good_xalerts()
        t = copy.deepcopy([a for a in x["x"] if exe("/e2e/w/e2e-t1")(a)])
        self.assertEqual(failing(make_log(xalerts=x, tail=t))[0], [])
        t[0]["id"] = "other"
        self.assertEqual(failing(make_log(xalerts=x, tail=t))[0], ["daemon_ctl_tail"])
        t[0]["id"] = x["x"][6]["id"]
        t[0]["severity"] = "high"
        self.assertEqual(failing(make_log(xalerts=x, tail=t))[0], ["daemon_ctl_tail"])
        self.assertEqual(failing(make_log(outs={"tail_err": "procsentryctl: 3 alerts dropped"}))[0],
                         ["daemon_ctl_tail"])

    def test_default_config(self):
        x = good_xalerts()
        x["default"].append(alert("exec-from-writable-dir", "bin-execution", "success", "high", "/tmp/x/e2e-w1"))
        self.assertEqual(failing(make_log(xalerts=x))[0], ["daemon_default_config"])
        x = good_xalerts()
        x["default"][0]["severity"] = "medium"
        self.assertEqual(failing(make_log(xalerts=x))[0], ["daemon_default_config"])
        self.assertEqual(failing(make_log(facts={"x_default_start_failed": "no status answer"}))[0],
                         ["daemon_default_config"])
        sinks = copy.deepcopy(DEFAULT_SINKS)
        sinks[1]["healthy"] = True
        st = status(rules=9, sinks=sinks, file="/etc/procsentry/procsentry.json")
        self.assertEqual(failing(make_log(outs={"status_default": st}))[0], ["daemon_default_config"])
        self.assertEqual(failing(make_log(facts={"checkconfig_default_rc": 1}))[0], ["daemon_default_config"])

    def test_bad_json_line(self):
        text = make_log().replace("E2E-ALERTS-END", "E2E-ALERT {not json\nE2E-ALERTS-END")
        self.assertEqual(failing(text)[0], ["daemon_alert_schema"])

    def test_demo_lists_alerts(self):
        buf = io.StringIO()
        ok = check_alerts.demo(make_log(), buf)
        self.assertTrue(ok, buf.getvalue())
        self.assertIn("CRITICAL", buf.getvalue())
        self.assertIn("=== one alert as JSON ===", buf.getvalue())


if __name__ == "__main__":
    unittest.main()
