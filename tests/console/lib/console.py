# SPDX-License-Identifier: GPL-2.0
"""A real procsentry-console process for tests: its config, store, TLS, admin CLI, lifecycle."""
import json
import os
import signal
import socket
import subprocess
import time

from client import ApiClient
from waiting import wait_until

ADMIN_PASSWORD = "admin-password-for-tests"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ConsoleProcess:
    """procsentry-console in ``workdir`` (config, store or PostgreSQL conninfo, log)."""

    def __init__(self, binary, workdir, ca, pg_conninfo=None, port=None, extra=None,
                 ui_dir=None):
        self.binary = binary
        self.dir = workdir
        self.ca = ca
        os.makedirs(os.path.join(workdir, "state"), exist_ok=True)
        self.port = port or free_port()
        self.config_path = os.path.join(workdir, "console.json")
        self.log_path = os.path.join(workdir, "console.log")
        self.db_path = os.path.join(workdir, "console.db")
        self.proc = None
        self.exit_codes = []
        if pg_conninfo:
            self.conninfo_file = os.path.join(workdir, "pg.conninfo")
            with open(self.conninfo_file, "w") as f:
                f.write(pg_conninfo + "\n")
            os.chmod(self.conninfo_file, 0o600)
            store = {"type": "postgresql", "conninfo_file": self.conninfo_file}
        else:
            store = {"type": "sqlite", "path": self.db_path}
        if ui_dir is None:
            ui_dir = os.path.join(workdir, "ui")
            os.makedirs(ui_dir, exist_ok=True)
            with open(os.path.join(ui_dir, "index.html"), "w") as f:
                f.write("<!doctype html><title>test</title>\n")
        self.config = {
            "version": 1,
            "listen": {"address": "127.0.0.1", "port": self.port},
            "tls": {"cert_file": ca.cert_file, "key_file": ca.key_file},
            "store": store,
            "ui_dir": ui_dir,
            "state_dir": os.path.join(workdir, "state"),
            "threads": 4,
            "agents": {"heartbeat_wait_s": 10, "offline_after_s": 90},
        }
        if extra:
            self.config.update(extra)
        self.write_config()

    def write_config(self):
        with open(self.config_path, "w") as f:
            json.dump(self.config, f, indent=1)

    # -- admin CLI (works on the store directly) ------------------------------------------
    def cli(self, *args, stdin=None, check=True):
        r = subprocess.run([self.binary, "--config", self.config_path, *args],
                           input=stdin, capture_output=True, text=True, timeout=60)
        if check and r.returncode != 0:
            raise AssertionError("procsentry-console %s -> %d\n%s%s" % (
                " ".join(args), r.returncode, r.stdout, r.stderr))
        return r

    def add_user(self, name, role, password):
        self.cli("user", "add", name, "--role", role, stdin=password + "\n")

    def create_enrollment_token(self, name, max_uses=None, expires_days=None):
        args = ["enrollment-token", "create", name]
        if max_uses is not None:
            args += ["--max-uses", str(max_uses)]
        if expires_days is not None:
            args += ["--expires-days", str(expires_days)]
        out = self.cli(*args).stdout.strip().splitlines()
        tokens = [w for line in out for w in line.split() if w.startswith("pse_")] or out[-1:]
        return tokens[-1].strip()

    def sql(self, statement):
        """Runs one SQL statement on the console's store behind its back (tests only: to make
        states the API cannot, such as an expired token)."""
        if self.config["store"]["type"] == "sqlite":
            import sqlite3
            db = sqlite3.connect(self.db_path, timeout=30)
            try:
                db.execute(statement)
                db.commit()
            finally:
                db.close()
        else:
            with open(self.conninfo_file) as f:
                conninfo = f.read().strip()
            subprocess.run(["psql", "-v", "ON_ERROR_STOP=1", conninfo, "-c", statement],
                           check=True, capture_output=True, timeout=60)

    # -- lifecycle ------------------------------------------------------------------------
    def start(self, timeout=30):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([self.binary, "--config", self.config_path],
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        c = self.client()
        try:
            def healthy():
                if self.proc.poll() is not None:
                    raise RuntimeError("procsentry-console exited with %d:\n%s" % (
                        self.proc.returncode, self.read_log()[-4000:]))
                return c.get("/api/v1/health")["status"] == "ok"
            try:
                wait_until(healthy, timeout, 0.1, "console health")
            except RuntimeError as e:
                raise AssertionError(str(e))
        finally:
            c.close()
        return self

    def stop(self, sig=signal.SIGTERM, timeout=20):
        """Stops the console; returns its exit status (the caller asserts it)."""
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

    def restart(self):
        rc = self.stop()
        self.start()
        return rc

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def read_log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    @property
    def url(self):
        return "https://localhost:%d" % self.port

    def client(self, token=None):
        return ApiClient("localhost", self.port, self.ca.client_context(), token=token)

    def login(self, username, password):
        c = self.client()
        c.login(username, password)
        return c


def wait_for_port_closed(port, timeout=10):
    def closed():
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) != 0
    wait_until(closed, timeout, 0.05, "port %d closed" % port)
