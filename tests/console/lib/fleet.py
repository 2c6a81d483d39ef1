# SPDX-License-Identifier: GPL-2.0
"""A console and N enrolled agents: what the API, browser and QEMU tests start from.

Paths come from the environment (set by tests/console/console-tests.mk):
  PROCSENTRY_CONSOLE   the procsentry-console binary ($(BUILD)/console/procsentry-console)
  PROCSENTRY_DAEMON_DIR  directory with procsentryd and procsentryctl ($(BUILD)/daemon)
  PROCSENTRY_PG_CONNINFO  run against this PostgreSQL database instead of SQLite
  PROCSENTRY_TEST_KEEP=1  keep the temp dir (logs, stores) after the run
"""
import os
import shutil
import sys
import tempfile
import time

from agent import TEST_POLICY, AgentDaemon
from client import ApiError
from console import ADMIN_PASSWORD, ConsoleProcess
from tlsutil import TestCA
from waiting import wait_until

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
RECORDS = os.path.join(TOP, "tests", "console", "records")
# Set by tests/console/api/run.py --store postgresql: every Fleet gets a fresh database in it.
PG_CLUSTER = None
_fleets = iter(range(1, 1 << 30))


def fixture(name):
    return os.path.join(RECORDS, name + ".rec")


def binaries():
    build = os.environ.get("BUILD", os.path.join(TOP, "build"))
    console = os.environ.get("PROCSENTRY_CONSOLE", os.path.join(build, "console",
                                                                "procsentry-console"))
    daemon_dir = os.environ.get("PROCSENTRY_DAEMON_DIR", os.path.join(build, "daemon"))
    return console, daemon_dir


class Fleet:
    """Temp dir, CA, console (started, admin logged in), and agents on demand."""

    def __init__(self, agents=0, pg_conninfo=None, console_extra=None, name="fleet"):
        self.console_bin, self.daemon_dir = binaries()
        self.tmp = tempfile.mkdtemp(prefix="ps-console-%s-" % name)
        self.ca = TestCA(os.path.join(self.tmp, "tls"))
        pg = pg_conninfo if pg_conninfo is not None else os.environ.get("PROCSENTRY_PG_CONNINFO")
        if not pg and PG_CLUSTER is not None:
            pg = PG_CLUSTER.create_database("console_%s_%d" % (name.replace("-", "_"),
                                                               next(_fleets)))
        self.console = ConsoleProcess(self.console_bin, os.path.join(self.tmp, "console"),
                                      self.ca, pg_conninfo=pg or None, extra=console_extra)
        self.agents = []
        self.failed = False
        self.admin = None
        try:
            self.console.add_user("admin", "admin", ADMIN_PASSWORD)
            self.console.start()
            self.admin = self.console.login("admin", ADMIN_PASSWORD)
            # The tests' rules (agent.TEST_POLICY) become the default every new host gets,
            # instead of the console's version 1 (procsentryd's shipped rules).
            latest = self.admin.get("/api/v1/config")["latest"]["version"]
            self.test_policy_version = self.admin.post("/api/v1/config", {
                "policy": TEST_POLICY, "base_version": latest, "comment": "tests",
                "targets": "all"})["version"]
            for _ in range(agents):
                self.add_agent()
            for a in self.agents:
                self.wait_connected(a)
        except BaseException:
            # No process outlives a failed set-up; the logs say why it failed.
            self.failed = True
            self.close(check=False)
            raise

    # -- agents ---------------------------------------------------------------------------
    def enrollment_token(self, name="test", max_uses=None, expires_in_days=None):
        body = {"name": name}
        if max_uses is not None:
            body["max_uses"] = max_uses
        if expires_in_days is not None:
            body["expires_in_days"] = expires_in_days
        return self.admin.post("/api/v1/enrollment-tokens", body)["token"]

    def add_agent(self, hostname=None, token=None, start=True, wait=True, **kw):
        hostname = hostname or "agent-%d" % (len(self.agents) + 1)
        token = token or self.enrollment_token("for-" + hostname)
        a = AgentDaemon(self.daemon_dir, os.path.join(self.tmp, hostname), hostname,
                        self.console.url, self.ca.ca_file, token, **kw)
        self.agents.append(a)
        if start:
            a.start()
            if wait:
                a.wait_enrolled()
        return a

    def host_of(self, agent):
        hid = agent.host_id()
        return self.admin.host(hid)

    def wait_connected(self, agent, timeout=30):
        """Until the console shows the agent connected with a heartbeat's data in."""
        if agent.alive():
            agent.wait_ready(timeout)

        def connected():
            h = self.host_of(agent)
            return h if (h["connected"] and h["last_seen"] and h["agent_version"]
                         and not h["config"]["pending"]
                         and h["config"]["applied"] == h["config"]["assigned"]) else None
        return wait_until(connected, timeout, 0.1, "%s connected" % agent.hostname)

    # -- incidents ------------------------------------------------------------------------
    def wait_incidents(self, n, timeout=30, **params):
        """Until at least n incidents match params; returns them (newest first)."""
        def enough():
            items = self.admin.all_incidents(**params)
            return items if len(items) >= n else None
        return wait_until(enough, timeout, 0.1, "%d incidents %r" % (n, params))

    def wait_incident_for(self, agent, alert_pred, timeout=30):
        """The incident of ``agent``'s host whose raw alert satisfies alert_pred."""
        hid = agent.host_id()

        def found():
            for inc in self.admin.all_incidents(host=hid):
                d = self.admin.get("/api/v1/incidents/%d" % inc["id"])
                try:
                    match = alert_pred(d["alert"])
                except (KeyError, TypeError):  # another kind of alert
                    match = False
                if match:
                    return d
            return None
        return wait_until(found, timeout, 0.2, "incident on %s" % agent.hostname)

    # -- teardown -------------------------------------------------------------------------
    def close(self, check=True):
        """Stops every agent and the console; returns a list of problems (bad exit codes)."""
        problems = []
        for a in self.agents:
            rc = a.stop()
            if rc not in (0, None):
                problems.append("procsentryd %s exited with %s" % (a.hostname, rc))
        if self.admin is not None:
            self.admin.close()
        rc = self.console.stop()
        if rc not in (0, None):
            problems.append("procsentry-console exited with %s" % rc)
        if problems or self.failed:
            self.dump_logs()
        keep = os.environ.get("PROCSENTRY_TEST_KEEP") == "1" or problems or self.failed
        if not keep:
            shutil.rmtree(self.tmp, ignore_errors=True)
        else:
            sys.stderr.write("fleet: kept %s\n" % self.tmp)
        if check and problems:
            raise AssertionError("; ".join(problems))
        return problems

    def dump_logs(self, tail=4000):
        out = sys.stderr
        out.write("\n==== console log (%s) ====\n%s\n" % (self.console.log_path,
                                                         self.console.read_log()[-tail:]))
        for a in self.agents:
            out.write("==== procsentryd %s log ====\n%s\n" % (a.hostname, a.read_log()[-tail:]))


def expect_api_error(testcase, status, fn, code=None):
    """Runs fn, asserts it raised ApiError with that status (and code); returns the error."""
    with testcase.assertRaises(ApiError) as cm:
        fn()
    testcase.assertEqual(cm.exception.status, status, str(cm.exception))
    if code:
        testcase.assertEqual(cm.exception.code, code, str(cm.exception))
    return cm.exception


def now_ms():
    return int(time.time() * 1000)
