# SPDX-License-Identifier: GPL-2.0
"""The web UI in headless Chromium against a real procsentry-console and two real procsentryd
agents fed with recorded kernel records (tests/console/lib): log in, see an incident arrive
live, enable monitoring on two hosts in one action, add a skip from an incident and see it
suppress the next alert, and hostile alert strings rendered as text only.

Screenshots of every view go to PROCSENTRY_BROWSER_OUT (default $BUILD/console-tests/browser)."""
import json
import os
import re
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)

from console import ADMIN_PASSWORD  # noqa: E402
from fleet import TOP, Fleet, fixture  # noqa: E402
from waiting import wait_until  # noqa: E402
from webdriver import Browser, WebDriverError  # noqa: E402

UI_DIR = os.path.join(TOP, "console", "ui")
HOSTILE = '<img src=x onerror="window.__pwned=1">'
HOSTILE_SCRIPT = "<script>window.__pwned=2</script>"
HOSTILE_SVG = '"><svg onload=window.__pwned=3>'
RLO = "\u202e"  # right-to-left override: would show "exe.txt" as "txt.exe"


def out_dir():
    d = os.environ.get("PROCSENTRY_BROWSER_OUT")
    if not d:
        build = os.environ.get("BUILD")
        d = os.path.join(build, "console-tests", "browser") if build else \
            tempfile.mkdtemp(prefix="ps-browser-shots-")
    os.makedirs(d, exist_ok=True)
    return d


class BrowserUiTest(unittest.TestCase):
    """One console, two agents, one browser for the whole scenario (the steps build on each
    other, in the order of their names)."""

    @classmethod
    def setUpClass(cls):
        cls.shots = out_dir()
        cls.fleet = Fleet(agents=2, console_extra={"ui_dir": UI_DIR}, name="browser")
        try:
            cls.admin = cls.fleet.admin
            cls.a1, cls.a2 = cls.fleet.agents
            cls.h1, cls.h2 = cls.a1.host_id(), cls.a2.host_id()
            # Start from a settled fleet: each agent runs the version it was assigned.
            for a in cls.fleet.agents:
                wait_until(lambda a=a: not cls.fleet.host_of(a)["config"]["pending"], 40, 0.2,
                           "%s runs its assigned configuration" % a.hostname)
            cls.b = Browser(1366, 768)
        except BaseException:
            cls.fleet.failed = True
            cls.fleet.close(check=False)
            raise
        cls.base = cls.fleet.console.url + "/"
        cls.failed = False

    @classmethod
    def tearDownClass(cls):
        try:
            cls.b.quit()
        finally:
            cls.fleet.failed = cls.fleet.failed or cls.failed
            cls.fleet.close(check=True)
        sys.stderr.write("browser screenshots: %s\n" % cls.shots)

    def run(self, result=None):
        r = super().run(result)
        res = result or r
        if res is not None and any(t is self for t, _ in res.failures + res.errors):
            type(self).failed = True
            try:
                self.shot("FAILED-%s" % self._testMethodName)
            except (OSError, WebDriverError):
                pass
        return r

    # -- helpers ----------------------------------------------------------------------------
    def shot(self, name):
        return self.b.screenshot(os.path.join(self.shots, name + ".png"))

    def go(self, hash_):
        self.b.set_hash(hash_)

    def login(self, password=ADMIN_PASSWORD):
        form = self.b.wait_find("#login-form")
        form.find("input[name=username]").clear().send_keys("admin")
        form.find("input[name=password]").clear().send_keys(password)
        form.find("button[type=submit]").click()

    def incident_rows(self):
        return self.b.execute("""
            return [...document.querySelectorAll('#incidents-table tbody tr[data-id]')].map(
              (tr) => ({id: Number(tr.dataset.id), text: tr.textContent,
                        rule: !tr.querySelector('.col-rule .kind'),
                        cmd: tr.querySelector('.col-cmd').textContent}));""")

    def wait_row(self, needle, timeout=40):
        def found():
            return [r for r in self.incident_rows() if needle in r["cmd"]]
        return self.b.wait(found, timeout, "incident row with %r" % needle)

    def max_incident_id(self):
        items = self.admin.incidents(limit=1)["items"]
        return items[0]["id"] if items else 0

    # -- 1. login -----------------------------------------------------------------------------
    def test_1_login(self):
        self.b.get(self.base)
        self.b.wait_find("#login-form")
        self.shot("01-login")
        self.login("wrong-password-0000")
        err = self.b.wait_text(".login-status", "Wrong user name or password")
        self.assertTrue(err)
        self.login()
        self.b.wait_find("#incidents-table")
        self.assertIn("admin", self.b.find("#whoami").text)
        # The console served the UI with the CSP the UI is written for: an inline script
        # injected into the page must not run.
        ran = self.b.execute("""
            const s = document.createElement('script'); s.textContent = 'window.__inline = 1';
            document.body.appendChild(s); const ran = window.__inline === 1; s.remove();
            return ran;""")
        self.assertFalse(ran, "an inline script ran: the page has no script-src CSP")
        log = self.b.wait(lambda: [e for e in self.b.browser_log()
                                   if "Content Security Policy" in e.get("message", "")],
                          10, "the CSP violation report")
        self.assertTrue(log)

    # -- 2. an incident arrives without reload --------------------------------------------------
    def test_2_incident_arrives_live(self):
        self.go("#/incidents")
        self.b.wait_find("#incidents-table")
        self.b.execute("window.__psNoReload = 1;")
        before = self.incident_rows()
        self.assertFalse([r for r in before if "/tmp/x/evil run" in r["cmd"]])
        self.a1.feed(fixture("exec-tmp"))
        row = self.wait_row("/tmp/x/evil run")[0]
        self.assertEqual(self.b.execute("return window.__psNoReload;"), 1,
                         "the page reloaded: the incident did not arrive live")
        self.assertIn(self.a1.hostname, row["text"])
        type(self).evil_id = row["id"]
        self.shot("02-incidents")

    # -- 3. monitoring on two hosts in one action -----------------------------------------------
    def test_3_monitoring_two_hosts(self):
        ids = sorted([self.h1, self.h2])
        # Both off first (through the API), so that the UI action has something to change.
        self.admin.post("/api/v1/hosts/monitoring", {"host_ids": ids, "enabled": False})
        for hid in ids:
            wait_until(lambda hid=hid: (lambda m: m["enabled"] is False and not m["pending"])(
                self.admin.host(hid)["monitoring"]), 30, 0.2, "host %d monitoring off" % hid)
        audits_before = [a for a in self.admin.get("/api/v1/audit", params={"limit": 500})["items"]
                         if a["action"] == "hosts.monitoring"]

        self.go("#/hosts")
        for hid in ids:
            self.b.wait(lambda hid=hid: "off" in self.b.find(
                'tr[data-host-id="%d"] .col-monitoring' % hid).text, 20, "host %d shown off" % hid)
        # Record what the page POSTs (the UI's fetch is looked up at call time).
        self.b.execute("""
            window.__psPosts = [];
            const orig = window.fetch;
            window.fetch = function (url, init) {
              if (init && init.method === 'POST') window.__psPosts.push({url: String(url), body: init.body});
              return orig.apply(this, arguments);
            };""")
        for hid in ids:
            self.b.find('input.host-check[data-host-id="%d"]' % hid).click()
        self.assertIn("2 of 2 selected", self.b.find("#hosts-selected").text)
        self.b.find("#btn-enable").click()
        self.b.wait_text("#hosts-action-status", "enabled for 2 hosts")
        posts = [p for p in self.b.execute("return window.__psPosts;")
                 if p["url"].endswith("/api/v1/hosts/monitoring")]
        self.assertEqual(len(posts), 1, posts)
        self.assertEqual(json.loads(posts[0]["body"]), {"host_ids": ids, "enabled": True})
        self.shot("03-hosts-pending")
        # Both rows show "on" once the agents confirmed (no pending marker left).
        for hid in ids:
            self.b.wait(lambda hid=hid: self.b.find(
                'tr[data-host-id="%d"] .col-monitoring' % hid).text.strip() == "on", 30,
                "host %d shown on, confirmed" % hid)
            m = self.admin.host(hid)["monitoring"]
            self.assertEqual((m["enabled"], m["desired"], m["pending"]), (True, True, False))
        audits = [a for a in self.admin.get("/api/v1/audit", params={"limit": 500})["items"]
                  if a["action"] == "hosts.monitoring"]
        self.assertEqual(len(audits), len(audits_before) + 1, "one action, one audit entry")
        self.shot("04-hosts")

    # -- 4. a skip added from the incident suppresses the next alert ----------------------------
    def test_4_skip_suppresses_next_alert(self):
        self.go("#/incidents/%d" % self.evil_id)
        self.b.wait_find("#raw-json")
        self.assertIn("/tmp/x/evil", self.b.find("#raw-json").text)
        # Ancestry (empty here: the replayed process's parent was never seen) and credentials.
        self.assertIn("Ancestry", self.b.wait_find("#section-ancestry-parent-first").text)
        self.b.wait_find("#credentials")
        self.shot("05-incident-detail")
        # Acknowledge with a comment.
        self.b.find("#status-comment").send_keys("seen in the browser test")
        self.b.find("#btn-ack").click()
        self.b.wait_text("main", "Marked acknowledged")
        inc = self.admin.get("/api/v1/incidents/%d" % self.evil_id)
        self.assertEqual((inc["status"], inc["status_by"], inc["status_comment"]),
                         ("acknowledged", "admin", "seen in the browser test"))
        self.b.find("#btn-skip-command").click()
        diff = self.b.wait_text("#draft-diff", '"/tmp/x/evil"')
        # In the skip of the incident's rule (the default scope) or the global one.
        self.assertRegex(diff.text, r'skip(\.commands\[0\]: |: \{"commands":\[)"/tmp/x/evil"')
        self.assertIn("Unsaved draft", diff.text)
        self.assertIn("•", self.b.find("#nav").text, "the draft is marked in the navigation")
        # The daemon's validator refuses a relative command path; its message shows next to
        # the entry, and the draft validates again once the entry is removed.
        add = self.b.find('fieldset[data-key="skip.commands"] input.add-entry')
        add.send_keys("bin/nice\n")
        bad = self.b.wait(lambda: [e for e in self.b.find_all('fieldset[data-key="skip.commands"] li input')
                                   if e.prop("value") == "bin/nice"], 10, "the new entry")[0]
        key = bad.attr("data-key")
        self.b.find("#btn-validate").click()
        self.b.wait_text("#validation-errors", key)
        self.b.wait(lambda: self.b.find('[data-key="%s"]' % key).attr("aria-invalid") == "true",
                    10, "the entry marked invalid")
        err = self.b.execute(
            "return document.querySelector('[data-key=\"%s\"]').parentElement"
            ".querySelector('.field-error').textContent;" % key)
        self.assertIn("bin/nice", err)
        self.shot("06-settings-invalid")
        self.b.execute("document.querySelector('[data-key=\"%s\"]').parentElement"
                       ".querySelector('button').click();" % key)
        self.b.find("#btn-validate").click()
        self.b.wait_text("#save-status", "Valid")
        self.shot("06-settings-draft")
        self.b.find("#push-comment").send_keys("skip /tmp/x/evil (browser test)")
        self.b.find("#btn-save").click()
        saved = self.b.wait_text("#save-status", "Saved version", 30).text
        version = int(re.search(r"Saved version (\d+)", saved).group(1))
        # Wait until the UI shows both hosts running it (the agents applied and reported it).
        for hid in (self.h1, self.h2):
            self.b.wait(lambda hid=hid: re.search(
                r"\bv%d\b.*\bv%d\b.*up to date" % (version, version),
                self.b.find('#host-versions-table tr[data-host-id="%d"]' % hid).text), 40,
                "host %d runs v%d" % (hid, version))
            self.assertEqual(self.admin.host(hid)["config"]["applied"], version)
        self.b.execute("document.getElementById('host-versions-table').scrollIntoView()")
        self.shot("07-settings-pushed")

        # The same record again (suppressed), then a control record of the same rule.
        last = self.max_incident_id()
        file_alerts = len(self.a1.alerts())
        self.a1.feed(fixture("exec-tmp"))
        self.a1.feed(fixture("exec-refused"))
        self.go("#/incidents")
        self.wait_row("/tmp/x/dropper.bin")
        # Rule incidents only: sensor alerts of the monitoring change may still be arriving.
        new = [i for i in self.admin.all_incidents(host=self.h1, kind="rule") if i["id"] > last]
        self.assertEqual([i["exe"] for i in new], ["/tmp/x/dropper.bin"],
                         "only the control record raised an incident")
        # At the agent too: its file sink got the control alert and no /tmp/x/evil alert
        # (alerts leave in order, so the suppressed one would have come first).
        later = self.a1.alerts()[file_alerts:]
        self.assertEqual([a["process"]["exe"] for a in later if a["kind"] == "rule"],
                         ["/tmp/x/dropper.bin"])
        rows = [r for r in self.incident_rows() if r["id"] > last and r["rule"]]
        self.assertEqual(len(rows), 1, rows)
        self.shot("08-incidents-after-skip")

    def test_4b_concurrent_save_asks_to_reload(self):
        self.go("#/settings/process-monitoring")
        self.b.wait_find("#policy-editor fieldset")
        self.b.find('fieldset[data-key="skip.users"] input.add-entry').send_keys("4242\n")
        self.b.wait_text("#draft-diff", "4242")
        # Someone else saves first.
        cfg = self.admin.get("/api/v1/config")
        other = self.admin.post("/api/v1/config", {"policy": cfg["latest"]["policy"],
                                                    "base_version": cfg["latest"]["version"],
                                                    "comment": "concurrent", "targets": "all"})
        self.b.find("#btn-save").click()
        self.b.wait_text("#save-status", "Someone saved version %d" % other["version"])
        self.shot("07b-settings-conflict")
        self.b.find("#btn-reload-latest").click()
        self.b.wait_text("#draft-diff", "No unsaved changes. The editor shows version %d"
                         % other["version"])
        self.assertNotIn("•", self.b.find("#nav").text)
        self.assertEqual(self.admin.get("/api/v1/config")["latest"]["version"], other["version"])

    # -- 5. hostile strings render as text --------------------------------------------------------
    def test_5_hostile_strings_render_as_text(self):
        template = [a for a in self.a1.alerts() if a["kind"] == "rule"][0]
        alert = json.loads(json.dumps(template))
        alert["id"] = "0123456789abcdef-%d" % int(time.time() * 1000)
        long_arg = "A" * 20000
        alert["process"]["exe"] = "/tmp/x/" + RLO + "gpj.sh"
        alert["process"]["args"] = ["/tmp/x/evil", HOSTILE, HOSTILE_SCRIPT, HOSTILE_SVG,
                                    "/tmp/" + RLO + "txt.exe", long_arg]
        alert["process"]["user"] = "<b>mallory</b>"
        alert["process"]["comm"] = HOSTILE[:15]
        alert["summary"] = "hostile " + HOSTILE
        alert["host"]["name"] = HOSTILE
        token = self.a2.agent_state()["agent_token"]
        c = self.fleet.console.client(token=token)
        try:
            r = c.raw("POST", "/api/agent/v1/alerts", (json.dumps(alert) + "\n").encode(),
                      {"Content-Type": "application/x-ndjson"})
        finally:
            c.close()
        self.assertEqual(r.status, 200, r.body[:300])
        self.assertEqual(r.json()["accepted"], 1, r.json())

        self.go("#/incidents")
        row = self.wait_row(HOSTILE)[0]
        self.assertIn(HOSTILE_SCRIPT, row["cmd"])
        self.assertIn("\\u{202E}txt.exe", row["cmd"], "bidi override shown, not applied")
        self.assertNotIn(RLO, row["text"])
        self.assertLess(len(row["cmd"]), 400, "long command cut in the table")
        self.assertIn("<b>mallory</b>", row["text"])
        self.assert_no_injection()
        self.shot("09-hostile-list")

        self.go("#/incidents/%d" % row["id"])
        raw = self.b.wait_find("#raw-json").text
        self.assertIn(HOSTILE.replace('"', '\\"'), raw)
        args = self.b.execute(
            "return [...document.querySelectorAll('ol.args li')].map((li) => li.textContent);")
        self.assertEqual(args[1], HOSTILE)
        self.assertEqual(args[2], HOSTILE_SCRIPT)
        self.assertEqual(len(args[5]), 20000, "the detail view shows the full value")
        self.assert_no_injection()
        self.shot("10-hostile-detail")
        # Proposed as a skip, the path keeps its real value (a skip matches it exactly) and the
        # editor spells out the direction override next to the entry.
        self.b.find("#btn-skip-command").click()
        note = self.b.wait(lambda: self.b.execute(
            "const n = document.querySelector('.entry-note'); return n && n.textContent;"),
            10, "the spelled-out entry")
        self.assertIn("/tmp/x/\\u{202E}gpj.sh", note)
        self.assertIn(RLO, self.b.execute(
            "return [...document.querySelectorAll('.list-editor li input')].map((i) => i.value)"
            ".find((v) => v.includes('gpj')) || '';"))
        self.assert_no_injection()

    def assert_no_injection(self):
        found = self.b.execute("""
            return {img: document.querySelectorAll('img').length,
                    svg: document.querySelectorAll('svg').length,
                    scripts: [...document.scripts].filter((s) => !s.src).length,
                    handlers: document.querySelectorAll('[onerror],[onload]').length,
                    b: document.querySelectorAll('main b').length,
                    pwned: window.__pwned === undefined ? null : window.__pwned};""")
        self.assertEqual(found, {"img": 0, "svg": 0, "scripts": 0, "handlers": 0, "b": 0,
                                 "pwned": None})

    # -- 6. the other views, logout and an expired session ---------------------------------------
    def test_6_other_views_and_session(self):
        self.go("#/audit")
        self.b.wait_text("#audit-table", "config.push")
        self.shot("11-audit")
        self.go("#/tokens")
        self.b.wait_find("#api-tokens form input[name=name]").send_keys("ci-token")
        self.b.find("#api-tokens button[type=submit]").click()
        token = self.b.wait_find("#api-tokens-new-token").prop("value")
        self.assertTrue(token.startswith("pst_"), token)
        self.shot("12-tokens")
        # The token works, and is not shown again.
        c = self.fleet.console.client(token=token)
        try:
            self.assertEqual(c.get("/api/v1/me")["user"]["username"], "admin")
        finally:
            c.close()
        self.go("#/hosts")
        self.go("#/tokens")
        self.b.wait_text("#api-tokens", "ci-token")
        self.assertFalse(self.b.find_all("#api-tokens-new-token"))
        self.go("#/users")
        self.b.wait_text("#users-table", "admin")
        self.shot("13-users")

        # Session expired (cookie gone): the next request brings the login page, and logging
        # in again returns to the same view.
        self.go("#/hosts")
        self.b.wait_find("#hosts-table")
        self.b.delete_cookie("ps_session")
        self.go("#/settings/process-monitoring")
        self.b.wait_text(".login-status", "session has expired")
        self.shot("14-session-expired")
        self.login()
        self.b.wait_find("#policy-editor")
        self.assertTrue(self.b.url.endswith("#/settings/process-monitoring"))
        # Log out.
        self.b.find("#whoami button").click()
        self.b.wait_text(".login-status", "logged out")
        status = self.b.execute("return fetch('/api/v1/me').then((r) => r.status);")
        self.assertEqual(status, 401, "the session is gone after logout")

    # -- 7. nothing in the browser console ---------------------------------------------------------
    def test_7_no_csp_violation_or_script_error(self):
        bad = []
        for entry in self.b.browser_log():
            msg = entry.get("message", "")
            if entry.get("level") != "SEVERE":
                continue
            # Expected API answers (401 before login, 422 for the refused policy) are logged
            # as failed resource loads; anything else is a script error or a CSP violation.
            if "Failed to load resource" in msg and "/api/" in msg:
                continue
            bad.append(msg)
        self.assertEqual(bad, [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
