# SPDX-License-Identifier: GPL-2.0
"""Enrolment (docs/api.md, Agent protocol) and heartbeats filling the host's fields."""
import json
import os

from fleet_case import FleetTestCase
from waiting import wait_until

ENROLL = "/api/agent/v1/enroll"


def enroll_body(name="raw-host"):
    return json.dumps({"host": {"name": name, "machine_id": "0" * 32, "boot_id": "b" * 36},
                       "agent_version": "0.0.0-test"}).encode()


class EnrollmentTest(FleetTestCase):
    AGENTS = 1

    def enroll(self, token, name="raw-host"):
        c = self.console.client()
        try:
            return c.raw("POST", ENROLL, enroll_body(name), {
                "Authorization": "Bearer " + token, "Content-Type": "application/json"})
        finally:
            c.close()

    def test_good_token_enrols_a_new_host_each_time(self):
        tok = self.fleet.enrollment_token("twice", max_uses=2)
        r1, r2 = self.enroll(tok, "raw-a"), self.enroll(tok, "raw-b")
        self.assertEqual((r1.status, r2.status), (201, 201), (r1.body, r2.body))
        a, b = r1.json(), r2.json()
        self.assertNotEqual(a["host_id"], b["host_id"])
        self.assertNotEqual(a["agent_token"], b["agent_token"])
        names = {h["id"]: h["name"] for h in self.admin.hosts()}
        self.assertEqual(names[a["host_id"]], "raw-a")
        self.assertEqual(names[b["host_id"]], "raw-b")

    def test_unknown_token_refused(self):
        r = self.enroll("pse_" + "0" * 40)
        self.assertEqual(r.status, 401, r.body)
        self.assertEqual(r.json()["error"]["code"], "unauthenticated")

    def test_missing_token_refused(self):
        c = self.console.client()
        r = c.raw("POST", ENROLL, enroll_body(), {"Content-Type": "application/json"})
        c.close()
        self.assertEqual(r.status, 401, r.body)

    def test_used_up_token_refused(self):
        tok = self.fleet.enrollment_token("once", max_uses=1)
        self.assertEqual(self.enroll(tok).status, 201)
        before = len(self.admin.hosts())
        r = self.enroll(tok)
        self.assertEqual(r.status, 401, r.body)
        self.assertEqual(len(self.admin.hosts()), before)
        items = self.admin.get("/api/v1/enrollment-tokens")["items"]
        t = [x for x in items if x["name"] == "once"][0]
        self.assertEqual((t["uses"], t["max_uses"]), (1, 1))

    def test_revoked_token_refused(self):
        tok = self.fleet.enrollment_token("revoked")
        items = self.admin.get("/api/v1/enrollment-tokens")["items"]
        tid = [x for x in items if x["name"] == "revoked"][0]["id"]
        self.admin.delete("/api/v1/enrollment-tokens/%d" % tid)
        r = self.enroll(tok)
        self.assertEqual(r.status, 401, r.body)

    def test_expired_token_refused(self):
        # The API gives at least a day; move the expiry into the past in the store.
        tok = self.fleet.enrollment_token("expired", expires_in_days=1)
        self.console.sql("UPDATE tokens SET expires_ns = 1000 WHERE kind = 'enrollment' "
                         "AND name = 'expired'")
        res = self.enroll(tok)
        self.assertEqual(res.status, 401, res.body)
        items = self.admin.get("/api/v1/enrollment-tokens")["items"]
        t = [x for x in items if x["name"] == "expired"][0]
        self.assertEqual(t["uses"], 0)

    def test_agent_token_is_not_an_enrolment_token(self):
        agent_token = self.agents[0].agent_state()["agent_token"]
        self.assertEqual(self.enroll(agent_token).status, 401)

    def test_enrolment_token_cannot_send_alerts(self):
        tok = self.fleet.enrollment_token("not-agent")
        c = self.console.client()
        r = c.raw("POST", "/api/agent/v1/alerts", b"{}\n", {
            "Authorization": "Bearer " + tok, "Content-Type": "application/x-ndjson"})
        c.close()
        self.assertEqual(r.status, 401, r.body)

    def test_daemon_with_bad_token_does_not_enrol_and_says_why(self):
        a = self.fleet.add_agent("bad-token-host", token="pse_" + "1" * 40, wait=False)

        def reported():
            st = a.status().get("console") or {}
            return st if st.get("last_error") else None
        st = wait_until(reported, 20, 0.2, "console error in procsentryctl status")
        self.assertIsNone(a.host_id())
        self.assertIn("401", json.dumps(st) + a.read_log())
        self.assertNotIn("bad-token-host", [h["name"] for h in self.admin.hosts()])
        self.assertEqual(a.stop(), 0)
        self.fleet.agents.remove(a)

    def test_enrolment_is_audited(self):
        items = self.admin.get("/api/v1/audit", params={"limit": 500})["items"]
        self.assertTrue(any(x["action"] == "agent.enroll" for x in items))


class HeartbeatTest(FleetTestCase):
    AGENTS = 2

    def test_heartbeat_fills_host_fields(self):
        for a in self.agents:
            h = self.fleet.wait_connected(a)
            st = a.status()
            self.assertEqual(h["name"], a.hostname)
            self.assertTrue(h["connected"])
            self.assertFalse(h["revoked"])
            self.assertIsNotNone(h["last_seen"])
            self.assertIsNotNone(h["enrolled"])
            self.assertEqual(h["agent_version"], st["version"])
            self.assertRegex(h["agent_version"], r"^\d+\.\d+")
            # A replaying daemon has no module: no module version or ABI, the host's kernel
            # release, and the sensor state says why.
            self.assertEqual(h["kernel"], {"release": os.uname().release,
                                           "module_version": None, "abi_version": None})
            self.assertEqual(h["sensor"], {"state": "replay-follow", "reason": None})
            self.assertEqual(h["machine_id"], open("/etc/machine-id").read().strip())
            self.assertIsInstance(h["drops"], int)
            self.assertEqual(h["drops"], 0)
            self.assertTrue(h["monitoring"]["enabled"])
            self.assertFalse(h["monitoring"]["pending"])
            d = self.admin.host(h["id"])
            self.assertIsInstance(d["last_heartbeat"], dict)
            self.assertEqual(d["last_heartbeat"]["host"]["name"], a.hostname)

    def test_heartbeat_reports_config_version_applied(self):
        cfg = self.admin.get("/api/v1/config")
        default = cfg["default_version"]
        for a in self.agents:
            h = wait_until(lambda: (lambda h: h if h["config"]["applied"] == default else None)(
                self.fleet.host_of(a)), 20, 0.2, "default policy applied on %s" % a.hostname)
            self.assertEqual(h["config"]["assigned"], default)
            self.assertFalse(h["config"]["pending"])
            self.assertIsNone(h["config"]["rejected"])
            st = a.status()["console"]
            self.assertEqual(st["host_id"], h["id"])
            self.assertTrue(st["connected"])
