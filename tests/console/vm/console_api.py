#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The host side of the console's QEMU test and of `make console-demo`: talks to a running
procsentry-console over its REST API (docs/api.md) with the test CA pinned.  Python 3 stdlib only.

  console_api.py --url URL --ca CA wait-health [--timeout S]
  console_api.py --url URL --ca CA bootstrap --password-file F --token-out F [--max-uses N]
  console_api.py --url URL --ca CA wait-host --password-file F --name NAME [--timeout S]
  console_api.py --url URL --ca CA wait-incident --password-file F --host-name NAME
                 --rule RULE --exe EXE [--outcome O] [--severity S] [--timeout S]

Every wait has a deadline and prints what it saw last when it expires; the exit status is 0 on
success, 1 on a failed assertion or timeout, 2 on bad usage.
"""
import argparse
import http.cookiejar
import json
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


class Console:
    """A logged-in operator session (cookie + CSRF token), as the web UI holds one."""

    def __init__(self, url, ca_file):
        self.url = url.rstrip("/")
        ctx = ssl.create_default_context(cafile=ca_file)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=ctx),
            urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf = None

    def call(self, method, path, body=None, timeout=30):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if self.csrf and method not in ("GET", "HEAD"):
            req.add_header("X-CSRF-Token", self.csrf)
        try:
            with self.opener.open(req, timeout=timeout) as r:
                raw = r.read()
                return r.status, (json.loads(raw) if raw else None)
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                return e.code, json.loads(raw)
            except ValueError:
                return e.code, {"raw": raw.decode(errors="replace")}

    def login(self, username, password):
        st, body = self.call("POST", "/api/v1/login", {"username": username, "password": password})
        if st != 200:
            raise SystemExit(f"console_api: login as {username} failed: {st} {body}")
        self.csrf = body.get("csrf_token")
        return body


def read_password(path):
    with open(path, encoding="utf-8") as f:
        return f.read().strip()


def deadline_loop(timeout, step=0.5):
    end = time.monotonic() + timeout
    while True:
        yield
        if time.monotonic() >= end:
            return
        time.sleep(step)


def cmd_wait_health(args):
    c = Console(args.url, args.ca)
    last = None
    for _ in deadline_loop(args.timeout, 0.3):
        try:
            st, body = c.call("GET", "/api/v1/health", timeout=5)
            if st == 200 and body and body.get("status") == "ok":
                print(f"console_api: healthy: {json.dumps(body, sort_keys=True)}")
                return 0
            last = f"{st} {body}"
        except (OSError, ssl.SSLError) as e:
            last = repr(e)
    print(f"console_api: not healthy after {args.timeout}s: {last}", file=sys.stderr)
    return 1


def cmd_bootstrap(args):
    c = Console(args.url, args.ca)
    c.login("admin", read_password(args.password_file))
    req = {"name": args.token_name, "max_uses": args.max_uses, "expires_in_days": 1}
    st, body = c.call("POST", "/api/v1/enrollment-tokens", req)
    if st != 201 or not isinstance(body, dict) or not body.get("token"):
        print(f"console_api: creating an enrolment token failed: {st} {body}", file=sys.stderr)
        return 1
    with open(args.token_out, "w", encoding="utf-8") as f:
        f.write(body["token"] + "\n")
    print(f"console_api: enrolment token '{args.token_name}' (id {body.get('id')}, "
          f"max_uses {args.max_uses}) written to {args.token_out}")
    return 0


def find_host(c, name):
    st, body = c.call("GET", "/api/v1/hosts")
    if st != 200:
        return None, f"GET /api/v1/hosts: {st} {body}"
    hosts = [h for h in body.get("items", []) if h.get("name") == name and not h.get("revoked")]
    return (hosts[-1] if hosts else None), body


def cmd_wait_host(args):
    c = Console(args.url, args.ca)
    c.login("admin", read_password(args.password_file))
    last = None
    for _ in deadline_loop(args.timeout):
        host, last = find_host(c, args.name)
        if host and host.get("connected"):
            print(f"console_api: host {args.name} enrolled as id {host['id']}, connected, "
                  f"kernel {json.dumps(host.get('kernel'), sort_keys=True)}, "
                  f"monitoring {json.dumps(host.get('monitoring'), sort_keys=True)}")
            return 0
    print(f"console_api: host {args.name} not connected after {args.timeout}s; last hosts: "
          f"{json.dumps(last, sort_keys=True)[:2000]}", file=sys.stderr)
    return 1


def cmd_wait_incident(args):
    c = Console(args.url, args.ca)
    c.login("admin", read_password(args.password_file))
    host, seen = None, None
    for _ in deadline_loop(args.timeout):
        host, seen = find_host(c, args.host_name)
        if host:
            break
    if not host:
        print(f"console_api: no host named {args.host_name}: {seen}", file=sys.stderr)
        return 1
    # The text filter narrows the list to the payload; every field is then compared exactly.
    q = urllib.parse.urlencode({"host": host["id"], "q": args.exe, "limit": 50})
    last = None
    for _ in deadline_loop(args.timeout):
        st, body = c.call("GET", f"/api/v1/incidents?{q}")
        if st != 200:
            last = f"{st} {body}"
            continue
        last = body.get("items", [])
        for inc in last:
            rule = inc.get("rule") or {}
            if (inc.get("host", {}).get("id") == host["id"] and rule.get("name") == args.rule
                    and inc.get("exe") == args.exe
                    and (args.outcome is None or inc.get("outcome") == args.outcome)
                    and (args.severity is None or inc.get("severity") == args.severity)):
                st, detail = c.call("GET", f"/api/v1/incidents/{inc['id']}")
                alert = (detail or {}).get("alert") or {}
                if st != 200 or (alert.get("process") or {}).get("exe") != args.exe:
                    print(f"console_api: incident {inc['id']} detail does not carry the alert: "
                          f"{st} {json.dumps(detail, sort_keys=True)[:2000]}", file=sys.stderr)
                    return 1
                print(f"console_api: incident {inc['id']} from host {args.host_name} "
                      f"(id {host['id']}): rule {rule.get('name')} ({rule.get('type')}), "
                      f"exe {inc.get('exe')}, outcome {inc.get('outcome')}, "
                      f"severity {inc.get('severity')}, time {inc.get('time')}")
                print(f"INCIDENT-ID {inc['id']}")
                return 0
    print(f"console_api: no incident of rule {args.rule} for {args.exe} from {args.host_name} "
          f"after {args.timeout}s; last page: {json.dumps(last, sort_keys=True)[:3000]}",
          file=sys.stderr)
    return 1


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", required=True)
    p.add_argument("--ca", required=True, help="the CA that signed the console's certificate")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("wait-health")
    s.add_argument("--timeout", type=float, default=30)
    s.set_defaults(fn=cmd_wait_health)
    s = sub.add_parser("bootstrap")
    s.add_argument("--password-file", required=True)
    s.add_argument("--token-out", required=True)
    s.add_argument("--token-name", default="qemu-guest")
    s.add_argument("--max-uses", type=int, default=3)
    s.set_defaults(fn=cmd_bootstrap)
    s = sub.add_parser("wait-host")
    s.add_argument("--password-file", required=True)
    s.add_argument("--name", required=True)
    s.add_argument("--timeout", type=float, default=120)
    s.set_defaults(fn=cmd_wait_host)
    s = sub.add_parser("wait-incident")
    s.add_argument("--password-file", required=True)
    s.add_argument("--host-name", required=True)
    s.add_argument("--rule", required=True)
    s.add_argument("--exe", required=True)
    s.add_argument("--outcome")
    s.add_argument("--severity")
    s.add_argument("--timeout", type=float, default=120)
    s.set_defaults(fn=cmd_wait_incident)
    args = p.parse_args()
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
