# SPDX-License-Identifier: GPL-2.0
"""The console going away and coming back, and a decommissioned agent."""
import collections
import time

from expect import ALERTING, feed_and_expect
from fleet_case import FleetTestCase
from waiting import wait_until


class ConsoleRestartTest(FleetTestCase):
    AGENTS = 3

    def test_spool_delivers_what_was_produced_meanwhile(self):
        # Some alerts before, with the console up.
        for a in self.agents:
            feed_and_expect(a, "exec-tmp")
        self.fleet.wait_incidents(3)
        rc = self.console.stop()
        self.assertEqual(rc, 0, self.console.read_log()[-2000:])
        # While it is down, each agent produces one alert of every kind.
        for a in self.agents:
            for name in ALERTING:
                feed_and_expect(a, name)
        want = 3 + 3 * len(ALERTING)
        for a in self.agents:
            wait_until(lambda a=a: len([x for x in a.alerts() if x["kind"] == "rule"]) >=
                       1 + len(ALERTING), 15, 0.1, "alerts produced on " + a.hostname)
        time.sleep(2.0)  # the agents' sinks retry against a closed port for a while
        self.console.start()
        self.fleet.admin = self.admin = self.console.login("admin", "admin-password-for-tests")
        type(self).admin = self.admin
        for a in self.agents:
            self.fleet.wait_connected(a, timeout=90)
        items = self.fleet.wait_incidents(want, timeout=120)
        time.sleep(1.0)  # anything more (a duplicate) would arrive now
        items = self.admin.all_incidents()
        rule_items = [i for i in items if i["kind"] == "rule"]
        self.assertEqual(len(rule_items), want)
        keys = collections.Counter((i["host"]["id"], i["alert_id"]) for i in items)
        self.assertEqual([k for k, n in keys.items() if n > 1], [])
        for a in self.agents:
            sent = {x["id"] for x in a.alerts() if x["kind"] == "rule"}
            got = {i["alert_id"] for i in rule_items if i["host"]["id"] == self.hid(a)}
            self.assertEqual(sent, got, a.hostname)
            st = a.wait_ready()["console"]
            self.assertTrue(st["connected"])
            self.assertEqual(st["last_error"], "")


class RevokeTest(FleetTestCase):
    AGENTS = 2

    def test_revoked_agent_gets_401_and_reports_it(self):
        a, b = self.agents
        hid = self.hid(a)
        pid, _, _ = feed_and_expect(a, "setuid-root")
        self.fleet.wait_incidents(1, host=hid)
        token = a.agent_state()["agent_token"]
        self.admin.delete("/api/v1/hosts/%d" % hid, expect=(200, 204))
        h = self.admin.host(hid)
        self.assertTrue(h["revoked"])
        c = self.console.client(token=token)
        r = c.raw("POST", "/api/agent/v1/heartbeat?wait=1", b"{}",
                  {"Content-Type": "application/json"})
        self.assertEqual(r.status, 401, r.body)
        r = c.raw("POST", "/api/agent/v1/alerts", b"", {"Content-Type": "application/x-ndjson"})
        self.assertEqual(r.status, 401, r.body)
        c.close()

        def reported():
            st = a.status().get("console") or {}
            return st if "console rejected the agent token" in (st.get("last_error") or "") \
                else None
        st = wait_until(reported, 40, 0.2, "401 reported by procsentryctl status")
        self.assertFalse(st["connected"])
        out = a.ctl("status").stdout
        self.assertIn("console rejected the agent token", out)
        # It does not re-enrol by itself, and its incidents stay.
        time.sleep(1.0)
        self.assertEqual(a.agent_state()["host_id"], hid)
        self.assertEqual(len([x for x in self.admin.hosts() if x["name"] == a.hostname]), 1)
        self.assertEqual(len(self.admin.all_incidents(host=hid)), 1)
        audit = self.admin.get("/api/v1/audit", params={"limit": 50})["items"]
        self.assertTrue([x for x in audit if x["action"] == "host.revoke"])
        # The other agent is untouched.
        self.assertTrue(self.fleet.host_of(b)["connected"])
        self.assertTrue(a.alive())
