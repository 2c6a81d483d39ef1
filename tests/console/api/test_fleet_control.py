# SPDX-License-Identifier: GPL-2.0
"""Operators steering the fleet: monitoring on/off for several hosts in one action, policy
versions pushed to all or some hosts and applied without a restart, refusals, and a skip that
suppresses the next alert."""
import copy
import json
import os
import time

from agent import TEST_POLICY
from expect import feed_and_expect
from fleet import expect_api_error
from fleet_case import FleetTestCase
from waiting import wait_until


def monitoring_of(status):
    """monitoring on/off as procsentryctl status --json reports it."""
    m = status.get("monitoring")
    if isinstance(m, dict):
        m = m.get("enabled")
    return {"enabled": True, "disabled": False}.get(m, m)


class MonitoringTest(FleetTestCase):
    AGENTS = 3

    def wait_host(self, agent, pred, what, timeout=20):
        return wait_until(lambda: (lambda h: h if pred(h) else None)(self.fleet.host_of(agent)),
                          timeout, 0.1, what + " on " + agent.hostname)

    def test_disable_then_enable_two_hosts_in_one_action(self):
        a, b, c = self.agents
        ids = [self.hid(a), self.hid(b)]
        t0 = time.monotonic()
        r = self.admin.post("/api/v1/hosts/monitoring", {"host_ids": ids, "enabled": False})
        self.assertEqual(sorted(r["updated"]), sorted(ids))
        for ag in (a, b):
            wait_until(lambda ag=ag: monitoring_of(ag.status()) is False, 10, 0.1,
                       "%s disabled (procsentryctl status)" % ag.hostname)
            h = self.wait_host(ag, lambda h: h["monitoring"]["enabled"] is False
                               and not h["monitoring"]["pending"], "reported disabled")
            self.assertFalse(h["monitoring"]["desired"])
        # Connected agents get it at once (their held heartbeat is answered).
        self.assertLess(time.monotonic() - t0, 5.0)
        self.assertTrue(monitoring_of(c.status()))
        hc = self.fleet.host_of(c)
        self.assertEqual((hc["monitoring"]["enabled"], hc["monitoring"]["desired"],
                          hc["monitoring"]["pending"]), (True, True, False))
        # The change is a sensor alert on each disabled host (monitoring_disabled).
        for ag in (a, b):
            wait_until(lambda ag=ag: [x for x in ag.alerts() if x["kind"] == "sensor"
                                      and x["sensor"]["what"] == "monitoring_disabled"], 10)
        audit = self.admin.get("/api/v1/audit", params={"limit": 100})["items"]
        ent = [x for x in audit if x["action"] == "hosts.monitoring"]
        self.assertTrue(ent)
        self.assertIn(str(ids[0]), json.dumps(ent[0]))
        # While disabled, recorded records raise nothing.
        n = len(a.alerts())
        feed_and_expect(a, "exec-tmp")
        time.sleep(1.0)  # a negative: give the daemon time to (wrongly) alert
        self.assertEqual([x for x in a.alerts()[n:] if x["kind"] == "rule"], [])

        r = self.admin.post("/api/v1/hosts/monitoring", {"host_ids": ids, "enabled": True})
        for ag in (a, b):
            wait_until(lambda ag=ag: monitoring_of(ag.status()) is True, 10, 0.1,
                       "%s enabled again" % ag.hostname)
            self.wait_host(ag, lambda h: h["monitoring"]["enabled"] is True
                           and not h["monitoring"]["pending"], "reported enabled")
        # And it survives a daemon restart (the generation is persisted).
        self.assertEqual(a.restart(), 0)
        self.fleet.wait_connected(a)
        self.assertTrue(monitoring_of(a.status()))
        pid, alert, _ = feed_and_expect(a, "setuid-root")
        wait_until(lambda: [x for x in a.alerts() if x.get("process", {}).get("pid") == pid],
                   15, 0.1, "alert after re-enabling")

    def test_monitoring_change_waits_for_a_disconnected_agent(self):
        c = self.agents[2]
        self.assertEqual(c.stop(), 0)
        hid = self.hid(c)
        self.admin.post("/api/v1/hosts/monitoring", {"host_ids": [hid], "enabled": False})
        h = self.admin.host(hid)
        self.assertEqual((h["monitoring"]["desired"], h["monitoring"]["pending"]), (False, True))
        c.start()
        c.wait_ready()
        wait_until(lambda: monitoring_of(c.status()) is False, 20, 0.2, "applied after restart")
        self.wait_host(c, lambda h: not h["monitoring"]["pending"], "confirmed")
        self.admin.post("/api/v1/hosts/monitoring", {"host_ids": [hid], "enabled": True})
        wait_until(lambda: monitoring_of(c.status()) is True, 20, 0.2, "enabled again")


class PolicyTest(FleetTestCase):
    AGENTS = 3

    def latest(self):
        return self.admin.get("/api/v1/config")["latest"]

    def push(self, policy, targets, comment="test", base=None):
        base = base if base is not None else self.latest()["version"]
        return self.admin.post("/api/v1/config", {"policy": policy, "base_version": base,
                                                  "comment": comment, "targets": targets},
                               expect=(201,))

    def wait_applied(self, agent, version, timeout=20):
        def applied():
            h = self.fleet.host_of(agent)
            return h if h["config"]["applied"] == version and not h["config"]["pending"] else None
        return wait_until(applied, timeout, 0.1, "v%d applied on %s" % (version, agent.hostname))

    def test_push_to_a_subset(self):
        a, b, c = self.agents
        start = {ag.hostname: self.fleet.host_of(ag)["config"]["applied"] for ag in self.agents}
        pol = copy.deepcopy(TEST_POLICY)
        pol["rules"][2]["severity"]["failure"] = "medium"  # crashes become medium
        r = self.push(pol, {"host_ids": [self.hid(a), self.hid(b)]}, "crashes medium")
        v = r["version"]
        self.assertEqual(sorted(r["assigned"]), sorted([self.hid(a), self.hid(b)]))
        for ag in (a, b):
            h = self.wait_applied(ag, v)
            self.assertEqual(h["config"]["assigned"], v)
            self.assertIsNone(h["config"]["error"])
            st = ag.status()["console"]
            self.assertEqual(st["policy_applied_version"], v, st)
        hc = self.fleet.host_of(c)
        self.assertEqual(hc["config"]["applied"], start[c.hostname])
        self.assertNotEqual(hc["config"]["assigned"], v)
        # The new rules are in force on a and b (a crash is medium), not on c (still low).
        for ag, sev in ((a, "medium"), (c, "low")):
            pid, _, _ = feed_and_expect(ag, "crash")
            al = wait_until(lambda ag=ag, pid=pid: [x for x in ag.alerts()
                                                    if x.get("process", {}).get("pid") == pid],
                            15, 0.1, "crash alert on " + ag.hostname)
            self.assertEqual(al[0]["severity"], sev, ag.hostname)
        cfg = self.admin.get("/api/v1/config")
        self.assertEqual(cfg["latest"]["version"], v)
        self.assertEqual(cfg["hosts_by_version"][str(v)], {"assigned": 2, "applied": 2})
        self.assertNotEqual(cfg["default_version"], v)  # not pushed to all
        got = self.admin.get("/api/v1/config/versions/%d" % v)
        self.assertEqual(got["policy"], pol)
        self.assertEqual(got["comment"], "crashes medium")
        self.assertEqual(got["created_by"], "admin")
        # The policy survives a restart of the agent (saved in its state dir).
        self.assertEqual(a.stop(), 0)
        self.assertTrue(os.path.exists(os.path.join(a.state_dir, "console-policy.json")))
        a.start()
        a.wait_ready()
        self.assertEqual(a.status()["console"]["policy_applied_version"], v)
        self.wait_applied(a, v)
        audit = self.admin.get("/api/v1/audit", params={"limit": 100})["items"]
        self.assertTrue([x for x in audit if x["action"] == "config.push"])
        self.assertTrue([x for x in audit if x["action"] == "agent.config_applied"])

    def test_push_to_all_sets_default_and_reaches_everyone(self):
        pol = copy.deepcopy(TEST_POLICY)
        pol["skip"]["users"] = ["bob"]
        r = self.push(pol, "all", "skip bob")
        v = r["version"]
        self.assertEqual(sorted(r["assigned"]), sorted(self.hid(a) for a in self.agents))
        for ag in self.agents:
            self.wait_applied(ag, v)
        cfg = self.admin.get("/api/v1/config")
        self.assertEqual(cfg["default_version"], v)
        self.assertEqual(cfg["hosts_by_version"][str(v)], {"assigned": 3, "applied": 3})
        # A host enrolled now gets the default version.
        d = self.fleet.add_agent("late-host")
        self.fleet.wait_connected(d)
        self.wait_applied(d, v)
        self.assertEqual(d.stop(), 0)
        self.fleet.agents.remove(d)
        # Re-assigning an older version to one host.
        old = self.admin.get("/api/v1/config/versions")["items"][-1]["version"]
        r = self.admin.post("/api/v1/config/versions/%d/assign" % old,
                            {"targets": {"host_ids": [self.hid(self.agents[0])]}})
        self.assertEqual(r["assigned"], [self.hid(self.agents[0])])
        self.wait_applied(self.agents[0], old)

    def test_stale_base_version_conflicts(self):
        latest = self.latest()
        self.push(latest["policy"], {"host_ids": []}, "bump")
        e = expect_api_error(self, 409, lambda: self.push(latest["policy"], "all", "stale",
                                                          base=latest["version"]), "conflict")
        self.assertTrue(e.message)

    def test_invalid_policy_is_refused_with_the_daemons_messages(self):
        before = self.latest()["version"]
        pol = copy.deepcopy(TEST_POLICY)
        pol["rules"][0]["severity"]["success"] = "severe"
        pol["skip"]["paths"] = ["/"]
        pol["rules"][1]["match"] = {"exe": ["tmp/*"]}
        for fn in (lambda: self.push(pol, "all"),
                   lambda: self.admin.post("/api/v1/config/validate", {"policy": pol})):
            e = expect_api_error(self, 422, fn, "invalid_config")
            keys = [d["key"] for d in e.details]
            self.assertIn("rules[0].severity.success", keys)
            self.assertIn("skip.paths[0]", keys)
            self.assertIn("rules[1].match.exe[0]", keys)
            sev = [d for d in e.details if d["key"] == "rules[0].severity.success"][0]
            self.assertIn("unknown severity", sev["message"])
            self.assertEqual(sev["value"], '"severe"')
        self.assertEqual(self.latest()["version"], before)
        self.assertEqual(self.admin.post("/api/v1/config/validate", {"policy": TEST_POLICY}),
                         {"valid": True})
        # Not a policy at all: extra sections are not the console's to set.
        bad = dict(copy.deepcopy(TEST_POLICY), sinks=[])
        e = expect_api_error(self, 422, lambda: self.admin.post("/api/v1/config/validate",
                                                                {"policy": bad}))
        self.assertTrue(e.details or e.message)

    def test_skip_change_suppresses_the_next_alert(self):
        a = self.agents[1]
        pid, _, _ = feed_and_expect(a, "exec-tmp")
        wait_until(lambda: [x for x in a.alerts() if x.get("process", {}).get("pid") == pid],
                   15, 0.1, "alert before the skip")
        self.fleet.wait_incident_for(a, lambda al: al["process"]["pid"] == pid)
        pol = copy.deepcopy(self.latest()["policy"])
        pol["skip"]["paths"] = ["/tmp/x"]
        v = self.push(pol, {"host_ids": [self.hid(a)]}, "skip /tmp/x")["version"]
        self.wait_applied(a, v)
        n_inc = len(self.admin.all_incidents(host=self.hid(a)))
        pid2, _, _ = feed_and_expect(a, "exec-tmp")
        # A sentinel fed after it: once its alert is in, the skipped one would be too.
        pid3, _, _ = feed_and_expect(a, "setuid-root")
        wait_until(lambda: [x for x in a.alerts() if x.get("process", {}).get("pid") == pid3],
                   15, 0.1, "sentinel alert")
        self.assertEqual([x for x in a.alerts() if x.get("process", {}).get("pid") == pid2], [])
        items = self.fleet.wait_incidents(n_inc + 1, host=self.hid(a))
        self.assertEqual(len(items), n_inc + 1)
        self.assertEqual(items[0]["rule"]["type"], "root-escalation")


class RefusedPolicyTest(FleetTestCase):
    """A policy the console accepts but one agent cannot apply: that agent keeps its last good
    configuration and reports why; the console shows the error."""
    AGENTS = 2

    def test_agent_refuses_and_keeps_last_good(self):
        a, b = self.agents
        good = self.fleet.host_of(a)["config"]["applied"]
        # Provoke a daemon-side failure: the agent saves an accepted policy in its state dir
        # before applying it; make that impossible on agent a only.
        target = os.path.join(a.state_dir, "console-policy.json")
        if os.path.isfile(target):
            os.unlink(target)
        os.makedirs(os.path.join(target, "blocker"), exist_ok=True)
        pol = copy.deepcopy(TEST_POLICY)
        pol["rules"][2]["severity"]["failure"] = "high"
        latest = self.admin.get("/api/v1/config")["latest"]["version"]
        v = self.admin.post("/api/v1/config", {"policy": pol, "base_version": latest,
                                               "comment": "refused on a",
                                               "targets": {"host_ids": [self.hid(a),
                                                                        self.hid(b)]}},
                            expect=(201,))["version"]

        def refused():
            h = self.fleet.host_of(a)
            return h if h["config"]["rejected"] == v else None
        h = wait_until(refused, 20, 0.1, "v%d rejected by %s" % (v, a.hostname))
        self.assertEqual(h["config"]["applied"], good)
        self.assertTrue(h["config"]["error"])
        self.assertFalse(h["config"]["pending"])
        st = a.status()["console"]
        self.assertEqual(st["rejected_version"], v, st)
        self.assertIn("cannot save the policy", st["rejected_error"])
        self.assertEqual(st["policy_applied_version"], good, st)
        # b applied it.
        wait_until(lambda: self.fleet.host_of(b)["config"]["applied"] == v, 20, 0.1)
        # a still runs the old rules: a crash is low there, high on b.
        for ag, sev in ((a, "low"), (b, "high")):
            pid, _, _ = feed_and_expect(ag, "crash")
            al = wait_until(lambda ag=ag, pid=pid: [x for x in ag.alerts()
                                                    if x.get("process", {}).get("pid") == pid],
                            15, 0.1)
            self.assertEqual(al[0]["severity"], sev, ag.hostname)
        audit = self.admin.get("/api/v1/audit", params={"limit": 100})["items"]
        self.assertTrue([x for x in audit if x["action"] == "agent.config_rejected"])
        # Once the obstacle is gone, pushing again applies it.
        import shutil
        shutil.rmtree(target)
        latest = self.admin.get("/api/v1/config")["latest"]["version"]
        v2 = self.admin.post("/api/v1/config", {"policy": pol, "base_version": latest,
                                                "comment": "again",
                                                "targets": {"host_ids": [self.hid(a)]}},
                             expect=(201,))["version"]
        wait_until(lambda: self.fleet.host_of(a)["config"]["applied"] == v2, 20, 0.1)
