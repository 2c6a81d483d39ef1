# SPDX-License-Identifier: GPL-2.0
"""A throwaway PostgreSQL cluster for tests: initdb + pg_ctl in a temp dir, run as the
unprivileged ``postgres`` account (initdb refuses root), listening only on a Unix socket in
that dir and on 127.0.0.1 with a random port; password authentication over TCP."""
import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile

from console import free_port


def pg_bindir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        return None
    return os.path.dirname(found[-1])


class PgCluster:
    def __init__(self, user="postgres"):
        self.bindir = pg_bindir()
        if not self.bindir:
            raise RuntimeError("PostgreSQL server binaries not found (apt-get install postgresql)")
        self.user = user
        pw = pwd.getpwnam(user)
        self.dir = tempfile.mkdtemp(prefix="ps-pg-")
        os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        self.password = secrets.token_hex(16)
        pwfile = os.path.join(self.dir, "pw")
        with open(pwfile, "w") as f:
            f.write(self.password + "\n")
        os.chown(pwfile, pw.pw_uid, pw.pw_gid)
        self._as_user([os.path.join(self.bindir, "initdb"), "-D", self.data, "-U", "procsentry",
                       "--pwfile", pwfile, "-A", "scram-sha-256", "-E", "UTF8",
                       "--no-sync"])
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write("listen_addresses = '127.0.0.1'\nport = %d\n"
                    "unix_socket_directories = '%s'\nfsync = off\n"
                    "synchronous_commit = off\nfull_page_writes = off\n" % (self.port, self.dir))
        self._as_user([os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-w", "-t", "60",
                       "-l", os.path.join(self.dir, "pg.log"), "start"])
        self.conninfo = ("host=127.0.0.1 port=%d dbname=postgres user=procsentry password=%s"
                         % (self.port, self.password))

    def _as_user(self, cmd):
        subprocess.run(["runuser", "-u", self.user, "--"] + cmd, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=self.dir)

    def create_database(self, name):
        env = dict(os.environ, PGPASSWORD=self.password)
        subprocess.run([os.path.join(self.bindir, "createdb"), "-h", "127.0.0.1", "-p",
                        str(self.port), "-U", "procsentry", name], check=True, env=env)
        return self.conninfo.replace("dbname=postgres", "dbname=" + name)

    def stop(self):
        try:
            self._as_user([os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-m", "fast",
                           "-w", "stop"])
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
