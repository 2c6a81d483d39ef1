# SPDX-License-Identifier: GPL-2.0
"""Recorded kernel records -> 3 real procsentryd -> console incidents: exact fields, raw alert,
every filter, paging, status changes and their audit entries."""
import json
import threading
import time

from client import ApiError
from expect import feed_and_expect, subset_mismatches
from fleet import expect_api_error, fixture
from fleet_case import FleetTestCase
from waiting import wait_until

SEV_RANK = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
# What each agent is fed (fixture names, tests/console/records/README.md).
FEEDS = [
    ["exec-tmp", "exec-refused", "setuid-root", "setuid-refused", "crash", "exit-status"],
    ["exec-tmp", "exec-tmp", "exec-tmp", "crash"],
    ["setuid-root"],
]


class IncidentsTest(FleetTestCase):
    AGENTS = 3

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.t_before = time.time()
        cls.fed = []  # (agent, fixture, pid, alert subset, incident subset)
        for agent, names in zip(cls.agents, FEEDS):
            for n in names:
                pid, alert, inc = feed_and_expect(agent, n)
                if alert is not None:
                    cls.fed.append((agent, n, pid, alert, inc))
        cls.items = cls.fleet.wait_incidents(len(cls.fed), timeout=40)
        cls.details = {i["id"]: cls.admin.get("/api/v1/incidents/%d" % i["id"])
                       for i in cls.items}
        cls.t_after = time.time()

    def find(self, agent, pid):
        hid = self.hid(agent)
        found = [d for d in self.details.values()
                 if d["host"]["id"] == hid and d["alert"]["process"]["pid"] == pid]
        self.assertEqual(len(found), 1, "incident of pid %d on %s" % (pid, agent.hostname))
        return found[0]

    def test_one_incident_per_alert(self):
        self.assertEqual(len(self.items), len(self.fed))
        self.assertEqual(len({(i["host"]["id"], i["alert_id"]) for i in self.items}),
                         len(self.items))
        # The daemons' file sinks saw the same alerts: nothing more, nothing less.
        for a in self.agents:
            ids = {x["id"] for x in a.alerts() if x["kind"] == "rule"}
            mine = {i["alert_id"] for i in self.items if i["host"]["id"] == self.hid(a)}
            self.assertEqual(ids, mine, a.hostname)

    def test_exact_fields(self):
        for agent, name, pid, alert, inc in self.fed:
            d = self.find(agent, pid)
            with self.subTest(fixture=name, host=agent.hostname):
                raw = [x for x in agent.alerts() if x["id"] == d["alert_id"]]
                self.assertEqual(len(raw), 1)
                raw = raw[0]
                # The raw alert is the one the agent sent, as sent.
                self.assertEqual(d["alert"], raw)
                self.assertEqual(subset_mismatches(alert, d["alert"]), [])
                self.assertEqual(d["host"], {"id": self.hid(agent), "name": agent.hostname})
                self.assertEqual(d["kind"], "rule")
                self.assertEqual(d["severity"], alert["severity"])
                self.assertEqual(d["rule"], alert["rule"])
                self.assertEqual(d["outcome"], alert["outcome"])
                self.assertEqual(d["summary"], alert["summary"])
                self.assertEqual(d["exe"], inc["exe"])
                self.assertEqual(d["command"], inc["command"])
                self.assertEqual(d["user"], inc["user"])
                self.assertEqual(d["time"], raw["time"])
                self.assertEqual(d["status"], "open")
                for k in ("status_by", "status_time", "status_comment"):
                    self.assertIsNone(d[k], k)
                self.assertRegex(d["received"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$")
                summary = [i for i in self.items if i["id"] == d["id"]][0]
                self.assertEqual({k: v for k, v in d.items() if k != "alert"}, summary)

    def test_newest_first(self):
        times = [i["time"] for i in self.items]
        self.assertEqual(times, sorted(times, reverse=True))

    # -- filters --------------------------------------------------------------------------
    def check_filter(self, params, pred):
        want = sorted(i["id"] for i in self.items if pred(i))
        got = sorted(i["id"] for i in self.admin.all_incidents(**params))
        self.assertEqual(got, want, params)
        return want

    def test_filter_host(self):
        for a in self.agents:
            self.assertTrue(self.check_filter({"host": self.hid(a)},
                                              lambda i, h=self.hid(a): i["host"]["id"] == h))
        h1, h3 = self.hid(self.agents[0]), self.hid(self.agents[2])
        self.check_filter({"host": "%d,%d" % (h1, h3)}, lambda i: i["host"]["id"] in (h1, h3))
        self.check_filter({"host": [h1, h3]}, lambda i: i["host"]["id"] in (h1, h3))

    def test_filter_severity(self):
        for s in SEV_RANK:
            self.check_filter({"severity": s}, lambda i, s=s: i["severity"] == s)
        self.assertTrue(self.check_filter({"severity": "high,critical"},
                                          lambda i: i["severity"] in ("high", "critical")))
        for s, r in SEV_RANK.items():
            self.check_filter({"min_severity": s}, lambda i, r=r: SEV_RANK[i["severity"]] >= r)

    def test_filter_rule_type_kind_outcome(self):
        for t in ("bin-execution", "root-escalation", "termination-failure"):
            self.assertTrue(self.check_filter({"rule_type": t},
                                              lambda i, t=t: (i["rule"] or {}).get("type") == t))
        self.check_filter({"kind": "rule"}, lambda i: i["kind"] == "rule")
        self.check_filter({"kind": "sensor"}, lambda i: i["kind"] == "sensor")
        for o in ("success", "failure"):
            self.assertTrue(self.check_filter({"outcome": o}, lambda i, o=o: i["outcome"] == o))
        self.check_filter({"rule_type": "root-escalation", "outcome": "failure",
                           "host": self.hid(self.agents[0])},
                          lambda i: i["rule"]["type"] == "root-escalation"
                          and i["outcome"] == "failure"
                          and i["host"]["id"] == self.hid(self.agents[0]))

    def test_filter_time_range(self):
        times = sorted(i["time"] for i in self.items)
        mid = times[len(times) // 2]
        self.check_filter({"since": mid}, lambda i: i["time"] >= mid)
        self.check_filter({"until": mid}, lambda i: i["time"] < mid)
        self.check_filter({"since": times[0], "until": times[-1]},
                          lambda i: times[0] <= i["time"] < times[-1])
        self.check_filter({"since": "2099-01-01T00:00:00Z"}, lambda i: False)

    def test_filter_text(self):
        self.assertTrue(self.check_filter({"q": "ROOTSH"}, lambda i: "rootsh" in json.dumps(
            [i["summary"], i["exe"], i["command"]]).lower()))
        self.assertTrue(self.check_filter({"q": "alice"}, lambda i: i["user"] == "alice"))
        self.check_filter({"q": self.agents[1].hostname},
                          lambda i: i["host"]["name"] == self.agents[1].hostname)
        self.check_filter({"q": "dropper.bin"}, lambda i: i["exe"] == "/tmp/x/dropper.bin")
        self.check_filter({"q": "100%_'\"\\"}, lambda i: False)

    def test_filter_status(self):
        self.check_filter({"status": "open"}, lambda i: True)
        self.check_filter({"status": "false_positive"}, lambda i: False)

    def test_bad_query_parameters(self):
        for params in ({"severity": "severe"}, {"min_severity": "none"}, {"rule_type": "x"},
                       {"kind": "rules"}, {"outcome": "maybe"}, {"status": "closed"},
                       {"since": "yesterday"}, {"until": "2026-13-01T00:00:00Z"},
                       {"limit": 0}, {"limit": 501}, {"limit": "ten"}, {"host": "one"},
                       {"cursor": "not-a-cursor"}, {"q": "x" * 201}, {"colour": "red"}):
            with self.subTest(params=params):
                e = expect_api_error(self, 400, lambda p=params: self.admin.incidents(**p),
                                     "bad_request")
                self.assertTrue(e.message)

    # -- paging ---------------------------------------------------------------------------
    def test_paging(self):
        seen, cursor, pages = [], None, 0
        while True:
            p = {"limit": 3}
            if cursor:
                p["cursor"] = cursor
            page = self.admin.incidents(**p)
            self.assertLessEqual(len(page["items"]), 3)
            seen += [i["id"] for i in page["items"]]
            pages += 1
            cursor = page["next_cursor"]
            if not cursor:
                break
        self.assertEqual(pages, -(-len(self.items) // 3))
        self.assertEqual(seen, [i["id"] for i in self.items])
        self.assertEqual(len(set(seen)), len(seen))

    def test_paging_with_filter_and_default_limit(self):
        page = self.admin.incidents()
        self.assertIsNone(page["next_cursor"])  # < 50 incidents
        h = self.hid(self.agents[1])
        page1 = self.admin.incidents(host=h, limit=2)
        page2 = self.admin.incidents(host=h, limit=2, cursor=page1["next_cursor"])
        self.assertEqual(len(page1["items"]) + len(page2["items"]), 4)
        self.assertIsNone(page2["next_cursor"])

    def test_unknown_incident(self):
        expect_api_error(self, 404, lambda: self.admin.get("/api/v1/incidents/999999"),
                         "not_found")
        with self.assertRaises(ApiError) as cm:
            self.admin.get("/api/v1/incidents/abc")
        self.assertIn(cm.exception.status, (400, 404))



class IncidentChangesTest(FleetTestCase):
    """Tests that add incidents or change their status (a fleet of their own, so the exact
    counts above hold)."""
    AGENTS = 2

    def feed_and_wait(self, agent, name):
        pid, _, _ = feed_and_expect(agent, name)
        hid = self.hid(agent)

        def found():
            for i in self.admin.all_incidents(host=hid):
                d = self.admin.get("/api/v1/incidents/%d" % i["id"])
                if d["alert"]["process"]["pid"] == pid:
                    return d
            return None
        return wait_until(found, 30, 0.2, "incident of %s on %s" % (name, agent.hostname))

    def post_alerts(self, agent, body):
        token = agent.agent_state()["agent_token"]
        c = self.console.client()
        try:
            return c.raw("POST", "/api/agent/v1/alerts", body, {
                "Authorization": "Bearer " + token, "Content-Type": "application/x-ndjson"})
        finally:
            c.close()

    def test_host_is_the_agent_not_the_alert_host_name(self):
        a, other = self.agents[1], self.agents[0]
        d = self.feed_and_wait(a, "exec-tmp")
        raw = dict(d["alert"])
        raw["id"] = "feedfeedfeedfeed-1"
        raw["host"] = {"name": other.hostname, "machine_id": None, "boot_id": None}
        line = (json.dumps(raw) + "\n").encode()
        r = self.post_alerts(a, line)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json(), {"accepted": 1, "duplicates": 0, "rejected": 0})
        items = [i for i in self.admin.all_incidents() if i["alert_id"] == raw["id"]]
        self.assertEqual(len(items), 1)
        self.assertEqual(items[0]["host"], {"id": self.hid(a), "name": a.hostname})
        got = self.admin.get("/api/v1/incidents/%d" % items[0]["id"])
        self.assertEqual(got["alert"]["host"]["name"], other.hostname)
        self.assertEqual(self.admin.all_incidents(host=self.hid(other), q="feedfeed"), [])
        # Sent again: a duplicate, not a second incident.
        r = self.post_alerts(a, line)
        self.assertEqual(r.json(), {"accepted": 0, "duplicates": 1, "rejected": 0})
        # The same alert id from another agent is another host's incident.
        r = self.post_alerts(other, line)
        self.assertEqual(r.json(), {"accepted": 1, "duplicates": 0, "rejected": 0})
        self.assertEqual(len([i for i in self.admin.all_incidents()
                              if i["alert_id"] == raw["id"]]), 2)

    def test_status_change_and_audit(self):
        d = self.feed_and_wait(self.agents[0], "crash")
        upd = self.admin.post("/api/v1/incidents/%d/status" % d["id"],
                              {"status": "acknowledged", "comment": "known crash"})
        self.assertEqual(upd["status"], "acknowledged")
        self.assertEqual(upd["status_by"], "admin")
        self.assertEqual(upd["status_comment"], "known crash")
        self.assertIsNotNone(upd["status_time"])
        self.assertEqual(upd["id"], d["id"])
        self.assertNotIn("alert", upd)
        got = self.admin.get("/api/v1/incidents/%d" % d["id"])
        self.assertEqual(got["status"], "acknowledged")
        self.assertIn(d["id"], [i["id"] for i in self.admin.all_incidents(status="acknowledged")])
        self.assertNotIn(d["id"], [i["id"] for i in self.admin.all_incidents(status="open")])
        audit = self.admin.get("/api/v1/audit", params={"limit": 50})["items"]
        ent = [x for x in audit if x["action"] == "incident.status"]
        self.assertTrue(ent, audit[:5])
        self.assertEqual(ent[0]["actor"], "admin")
        self.assertIn(str(d["id"]), json.dumps(ent[0]["target"]) + json.dumps(ent[0]["details"]))
        # Bulk: two incidents marked false positive in one call, audited.
        o = self.feed_and_wait(self.agents[1], "setuid-refused")
        r = self.admin.post("/api/v1/incidents/status",
                            {"ids": [d["id"], o["id"]], "status": "false_positive",
                             "comment": "lab"})
        self.assertEqual(r, {"updated": 2})
        for i in (d["id"], o["id"]):
            g = self.admin.get("/api/v1/incidents/%d" % i)
            self.assertEqual((g["status"], g["status_comment"]), ("false_positive", "lab"))
        audit = self.admin.get("/api/v1/audit", params={"limit": 50})["items"]
        self.assertGreaterEqual(len([x for x in audit if x["action"] == "incident.status"]), 2)

    def test_bad_status_requests(self):
        d = self.feed_and_wait(self.agents[0], "exec-tmp")
        path = "/api/v1/incidents/%d/status" % d["id"]
        for body in ({"status": "closed"}, {"status": 1}, {}, {"status": "open", "x": 1},
                     {"status": "open", "comment": "c" * 1001}):
            with self.subTest(body=body):
                expect_api_error(self, 400, lambda b=body: self.admin.post(path, b),
                                 "bad_request")
        self.assertEqual(self.admin.get("/api/v1/incidents/%d" % d["id"])["status"], "open")
        expect_api_error(self, 404, lambda: self.admin.post(
            "/api/v1/incidents/999999/status", {"status": "open"}), "not_found")
        expect_api_error(self, 400, lambda: self.admin.post(
            "/api/v1/incidents/status", {"ids": list(range(1, 502)), "status": "open"}))

    def test_wait_long_poll(self):
        items = self.admin.all_incidents()
        last = max([i["id"] for i in items] or [0])
        if items:
            r = self.admin.get("/api/v1/incidents/wait", params={"after": last - 1,
                                                                 "timeout": 5})
            self.assertEqual(r["last_id"], last)
        agent = self.agents[1]
        timer = threading.Timer(1.0, lambda: agent.feed(fixture("exec-tmp")))
        t0 = time.monotonic()
        timer.start()
        waiter = self.admin.clone()
        waiter.cookie, waiter.csrf = self.admin.cookie, self.admin.csrf
        try:
            r = waiter.get("/api/v1/incidents/wait", params={"after": last, "timeout": 30})
        finally:
            timer.join()
            waiter.close()
        self.assertGreater(r["last_id"], last)
        self.assertLess(time.monotonic() - t0, 15)
        # Nothing new: answers after the timeout with the same last id.
        t0 = time.monotonic()
        r2 = self.admin.get("/api/v1/incidents/wait", params={"after": r["last_id"] + 1000,
                                                              "timeout": 1})
        self.assertGreaterEqual(time.monotonic() - t0, 0.9)
        self.assertIn("last_id", r2)
