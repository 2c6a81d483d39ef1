# SPDX-License-Identifier: GPL-2.0
"""The fixtures themselves: procsentryd (--replay-follow, no console) turns each into exactly the
alert expected.json describes, and a replay of the same fixture is a new alert."""
import os
import shutil
import tempfile
import unittest

from agent import AgentDaemon
from expect import ALERTING, EXPECTED, feed_and_expect, subset_mismatches
from fleet import binaries, fixture
from records import Replayer, load
from waiting import wait_until


class FixtureTest(unittest.TestCase):
    def test_replayer_renumbers_sequences_and_pids(self):
        d = tempfile.mkdtemp(prefix="ps-rec-")
        try:
            r = Replayer(os.path.join(d, "f"))
            m1, _ = r.feed(fixture("setuid-root"))
            m2, _ = r.feed(fixture("setuid-root"))
            self.assertTrue(set(m1.values()).isdisjoint(m2.values()))
            seen = {}
            for _, recs in load(os.path.join(d, "f")):
                for rec in recs:
                    self.assertEqual(rec.seq, seen.get(rec.cpu, 0) + 1)
                    seen[rec.cpu] = rec.seq
            self.assertEqual(sum(seen.values()), 2 * sum(len(x) for _, x in
                                                         load(fixture("setuid-root"))))
        finally:
            shutil.rmtree(d)

    def test_daemon_makes_the_expected_alerts(self):
        _, daemon_dir = binaries()
        d = tempfile.mkdtemp(prefix="ps-rec-")
        a = AgentDaemon(daemon_dir, d, "fixture-host", "https://localhost:1", "/nonexistent",
                        "unused")
        del a.config["console"]
        a.write_config()
        a.start()
        ok = False
        try:
            want = []
            for rnd in range(2):  # the second round: replays make new alerts, none folded
                for name in EXPECTED:
                    pid, alert, _ = feed_and_expect(a, name)
                    if alert is not None:
                        want.append((name, pid, alert))
            got = wait_until(lambda: len(a.alerts()) >= len(want) and a.alerts(), 20, 0.1,
                             "%d alerts in the file sink" % len(want))
            self.assertEqual(len(got), len(want), [x["summary"] for x in got])
            by_pid = {x["process"]["pid"]: x for x in got}
            for name, pid, alert in want:
                self.assertIn(pid, by_pid, name)
                self.assertEqual(subset_mismatches(alert, by_pid[pid]), [], name)
                self.assertEqual(by_pid[pid]["host"]["name"], "fixture-host")
            self.assertEqual(len({x["id"] for x in got}), len(got))
            self.assertEqual(len(ALERTING) * 2, len(got))
            st = a.status()
            self.assertEqual(sum(st.get("loss", {}).values()), 0, st.get("loss"))
            ok = True
        finally:
            rc = a.stop()
            if not ok:
                print(a.read_log()[-3000:])
            shutil.rmtree(d, ignore_errors=True)
        self.assertEqual(rc, 0)


if __name__ == "__main__":
    unittest.main()
