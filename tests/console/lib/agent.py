# SPDX-License-Identifier: GPL-2.0
"""A real procsentryd as a console agent, fed with recorded kernel records (--replay-follow)."""
import json
import os
import signal
import subprocess

from records import Replayer
from waiting import wait_until

PASSWD = """root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
alice:x:1000:1000:Alice:/home/alice:/bin/sh
bob:x:1001:1001:Bob:/home/bob:/bin/sh
"""
GROUP = """root:x:0:
daemon:x:1:
www-data:x:33:
alice:x:1000:
bob:x:1001:
"""

# The test's local rules: what the daemon runs until the console's policy arrives, and the
# policy the tests push by default (same shape as the console's).
TEST_POLICY = {
    "skip": {"commands": [], "paths": [], "users": []},
    "rules": [
        {"name": "exec-from-tmp", "type": "bin-execution",
         "severity": {"success": "high", "failure": "medium"},
         "match": {"exe": ["/tmp/**"]}},
        {"name": "root-escalation", "type": "root-escalation",
         "severity": {"success": "critical", "failure": "high"}},
        {"name": "process-crash", "type": "termination-failure",
         "severity": {"success": "none", "failure": "low"}},
    ],
}


class AgentDaemon:
    def __init__(self, bindir, workdir, hostname, console_url, ca_file, enrollment_token,
                 policy=None, console_extra=None, sinks_extra=None):
        self.bindir = bindir
        self.dir = workdir
        self.hostname = hostname
        os.makedirs(workdir, exist_ok=True)
        self.state_dir = os.path.join(workdir, "state")
        os.makedirs(self.state_dir, exist_ok=True)
        os.chmod(self.state_dir, 0o700)
        self.socket = os.path.join(workdir, "ctl.sock")
        self.config_path = os.path.join(workdir, "procsentry.json")
        self.replay_path = os.path.join(workdir, "records.replay")
        self.alerts_path = os.path.join(workdir, "alerts.jsonl")
        self.log_path = os.path.join(workdir, "daemon.log")
        self.token_path = os.path.join(workdir, "enrollment.token")
        self.empty = os.path.join(workdir, "empty")
        os.makedirs(self.empty, exist_ok=True)
        for name, text in (("passwd", PASSWD), ("group", GROUP)):
            with open(os.path.join(workdir, name), "w") as f:
                f.write(text)
        with open(self.token_path, "w") as f:
            f.write(enrollment_token + "\n")
        os.chmod(self.token_path, 0o600)
        pol = policy or TEST_POLICY
        console = {"url": console_url, "ca_file": ca_file,
                   "enrollment_token_file": self.token_path, "heartbeat_wait_s": 10}
        if console_extra:
            console.update(console_extra)
        self.config = {
            "version": 1,
            "skip": pol["skip"],
            # Folding and the rate cap off: every replay of a fixture is one alert at once,
            # which is what the tests count (docs/alerts.md, Folding).
            "noise": {"fold_window_ms": 0, "max_alerts_per_minute": 0},
            "rules": pol["rules"],
            "sinks": [{"name": "file", "type": "file", "min_severity": "info",
                       "file": {"path": self.alerts_path}}] + (sinks_extra or []),
            "console": console,
        }
        self.write_config()
        self.replayer = Replayer(self.replay_path)
        self.proc = None
        self.log = None
        self.exit_codes = []

    def write_config(self):
        with open(self.config_path, "w") as f:
            json.dump(self.config, f, indent=1)
        os.chmod(self.config_path, 0o644)

    def command(self):
        return [os.path.join(self.bindir, "procsentryd"), "--config", self.config_path,
                "--state-dir", self.state_dir, "--socket", self.socket,
                "--hostname", self.hostname, "--replay-follow", self.replay_path,
                "--no-proc-seed", "--passwd", os.path.join(self.dir, "passwd"),
                "--group", os.path.join(self.dir, "group"), "--proc-root", self.empty,
                "--cgroup-root", self.empty]

    def start(self):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.command(), stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        return self

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode
        self.exit_codes.append(rc)
        self.proc = None
        self.log.close()
        return rc

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def read_log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    # -- state ----------------------------------------------------------------------------
    def ctl(self, *args, check=True):
        r = subprocess.run([os.path.join(self.bindir, "procsentryctl"), "--socket", self.socket,
                            *args], capture_output=True, text=True, timeout=30)
        if check and r.returncode != 0:
            raise AssertionError("procsentryctl %s -> %d: %s%s" % (" ".join(args), r.returncode,
                                                                  r.stdout, r.stderr))
        return r

    def status(self):
        """procsentryctl status --json: the daemon's status object."""
        out = json.loads(self.ctl("status", "--json").stdout)
        if not out.get("ok"):
            raise AssertionError("procsentryctl status: %r" % out)
        return out["status"]

    def agent_state(self):
        """<state dir>/console-agent.json, or None before enrolment."""
        p = os.path.join(self.state_dir, "console-agent.json")
        try:
            with open(p) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def host_id(self):
        s = self.agent_state()
        return s and s.get("host_id")

    def wait_enrolled(self, timeout=30):
        def enrolled():
            if self.proc.poll() is not None:
                raise AssertionError("procsentryd %s exited with %d:\n%s" % (
                    self.hostname, self.proc.returncode, self.read_log()[-3000:]))
            return self.host_id()
        return wait_until(enrolled, timeout, 0.1, "%s enrolled" % self.hostname)

    def wait_ready(self, timeout=30):
        """Until procsentryctl answers and the agent says it is connected to the console
        (after a start or restart; the console's own "connected" lags by design)."""
        def ready():
            if self.proc.poll() is not None:
                raise AssertionError("procsentryd %s exited with %d:\n%s" % (
                    self.hostname, self.proc.returncode, self.read_log()[-3000:]))
            st = self.status()
            con = st.get("console") or {}
            return st if con.get("connected") and con.get("heartbeats", 0) > 0 else None
        return wait_until(ready, timeout, 0.1, "%s ready and connected" % self.hostname)

    def restart(self):
        rc = self.stop()
        self.start()
        self.wait_ready()
        return rc

    def alerts(self):
        """The file sink's alerts (cross-check of what the daemon produced)."""
        try:
            with open(self.alerts_path) as f:
                return [json.loads(line) for line in f if line.strip()]
        except OSError:
            return []

    def feed(self, fixture):
        """Appends a recorded fixture (rewritten as a new event) to the replay file."""
        return self.replayer.feed(fixture)
