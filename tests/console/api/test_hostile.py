# SPDX-License-Identifier: GPL-2.0
"""Hostile and careless callers: no or wrong credentials, too low a role, missing CSRF,
malformed bodies, unknown keys, oversized bodies, bad NDJSON lines."""
import json
import socket
import ssl

from console import ADMIN_PASSWORD
from fleet import expect_api_error
from fleet_case import FleetTestCase

VIEWER_PW = "viewer-password-123"
OPERATOR_PW = "operator-password-123"


class HostileTest(FleetTestCase):
    AGENTS = 1

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin.post("/api/v1/users", {"username": "vera", "password": VIEWER_PW,
                                         "role": "viewer"})
        cls.admin.post("/api/v1/users", {"username": "otto", "password": OPERATOR_PW,
                                         "role": "operator"})
        cls.viewer = cls.console.login("vera", VIEWER_PW)
        cls.operator = cls.console.login("otto", OPERATOR_PW)
        cls.anon = cls.console.client()

    @classmethod
    def tearDownClass(cls):
        for c in (cls.viewer, cls.operator, cls.anon):
            c.close()
        super().tearDownClass()

    def raw(self, client, method, path, body=None, ctype="application/json", **kw):
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        hdr = {"Content-Type": ctype} if data is not None else {}
        return client.raw(method, path, data, hdr, **kw)

    def assertError(self, r, status, code=None):
        self.assertEqual(r.status, status, r.body[:300])
        body = r.json()
        self.assertIsInstance(body["error"]["message"], str)
        if code:
            self.assertEqual(body["error"]["code"], code)
        self.assertTrue(r.headers.get("content-type", "").startswith("application/json"))

    # -- authentication -------------------------------------------------------------------
    def test_unauthenticated_everywhere(self):
        for method, path in (("GET", "/api/v1/incidents"), ("GET", "/api/v1/hosts"),
                             ("GET", "/api/v1/config"), ("GET", "/api/v1/me"),
                             ("GET", "/api/v1/audit"), ("POST", "/api/v1/hosts/monitoring"),
                             ("POST", "/api/v1/config"), ("GET", "/api/v1/users"),
                             ("POST", "/api/v1/enrollment-tokens"),
                             ("GET", "/api/v1/incidents/1")):
            with self.subTest(path=path):
                self.assertError(self.raw(self.anon, method, path,
                                          {} if method == "POST" else None), 401,
                                 "unauthenticated")
        r = self.raw(self.anon, "GET", "/api/v1/health")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["status"], "ok")
        # The store under test is the one configured (the PostgreSQL run really is one).
        self.assertEqual(r.json()["store"], self.console.config["store"]["type"])

    def test_bad_bearer_and_cookie(self):
        for hdr in ({"Authorization": "Bearer pst_" + "0" * 40}, {"Authorization": "Bearer "},
                    {"Authorization": "Basic YWRtaW46YWRtaW4="},
                    {"Cookie": "ps_session=forged"}):
            with self.subTest(hdr=hdr):
                self.assertError(self.anon.raw("GET", "/api/v1/incidents", None, hdr), 401)

    def test_wrong_password_and_unknown_user_look_the_same(self):
        e1 = expect_api_error(self, 401, lambda: self.console.client().login("admin", "nope"))
        e2 = expect_api_error(self, 401, lambda: self.console.client().login("nobody-x", "nope"))
        self.assertEqual((e1.code, e1.message), (e2.code, e2.message))

    def test_agent_token_is_not_an_operator_token(self):
        tok = self.agents[0].agent_state()["agent_token"]
        c = self.console.client(token=tok)
        self.assertError(c.raw("GET", "/api/v1/incidents"), 401)
        c.close()

    def test_operator_token_is_not_an_agent_token(self):
        tok = self.admin.post("/api/v1/api-tokens", {"name": "not-agent"})["token"]
        r = self.anon.raw("POST", "/api/agent/v1/heartbeat?wait=1", b"{}", {
            "Authorization": "Bearer " + tok, "Content-Type": "application/json"})
        self.assertError(r, 401)

    # -- roles ----------------------------------------------------------------------------
    def test_viewer_reads_but_cannot_change(self):
        self.viewer.get("/api/v1/incidents")
        self.viewer.get("/api/v1/hosts")
        self.viewer.get("/api/v1/config")
        hid = self.hid(self.agents[0])
        latest = self.admin.get("/api/v1/config")["latest"]
        for method, path, body in (
                ("POST", "/api/v1/hosts/monitoring", {"host_ids": [hid], "enabled": False}),
                ("POST", "/api/v1/config", {"policy": latest["policy"],
                                            "base_version": latest["version"],
                                            "comment": "x", "targets": "all"}),
                ("POST", "/api/v1/config/versions/%d/assign" % latest["version"],
                 {"targets": "all"}),
                ("POST", "/api/v1/incidents/status", {"ids": [1], "status": "open"}),
                ("GET", "/api/v1/users", None), ("GET", "/api/v1/audit", None),
                ("POST", "/api/v1/enrollment-tokens", {"name": "x"}),
                ("DELETE", "/api/v1/hosts/%d" % hid, None)):
            with self.subTest(path=path):
                self.assertError(self.raw(self.viewer, method, path, body), 403, "forbidden")
        self.assertTrue(self.admin.host(hid)["monitoring"]["desired"])

    def test_operator_cannot_administer(self):
        hid = self.hid(self.agents[0])
        for method, path, body in (("GET", "/api/v1/users", None),
                                   ("POST", "/api/v1/users", {"username": "x", "role": "admin",
                                                              "password": "p" * 12}),
                                   ("POST", "/api/v1/enrollment-tokens", {"name": "x"}),
                                   ("DELETE", "/api/v1/hosts/%d" % hid, None),
                                   ("GET", "/api/v1/audit", None)):
            with self.subTest(path=path):
                self.assertError(self.raw(self.operator, method, path, body), 403, "forbidden")
        self.assertFalse(self.admin.host(hid)["revoked"])

    def test_viewer_api_token_has_viewer_role(self):
        tok = self.viewer.post("/api/v1/api-tokens", {"name": "vera-token"})["token"]
        self.assertTrue(tok.startswith("pst_"))
        c = self.console.client(token=tok)
        c.get("/api/v1/incidents")
        self.assertError(self.raw(c, "POST", "/api/v1/hosts/monitoring",
                                  {"host_ids": [self.hid(self.agents[0])], "enabled": False}),
                         403, "forbidden")
        c.close()

    # -- CSRF -----------------------------------------------------------------------------
    def test_csrf_required_for_cookie_sessions(self):
        hid = self.hid(self.agents[0])
        body = {"host_ids": [hid], "enabled": True}
        r = self.raw(self.operator, "POST", "/api/v1/hosts/monitoring", body, csrf=False)
        self.assertError(r, 403, "forbidden")
        r = self.operator.raw("POST", "/api/v1/hosts/monitoring", json.dumps(body).encode(),
                              {"Content-Type": "application/json", "X-CSRF-Token": "forged"},
                              csrf=False)
        self.assertError(r, 403, "forbidden")
        # Another session's token does not do either.
        r = self.operator.raw("POST", "/api/v1/hosts/monitoring", json.dumps(body).encode(),
                              {"Content-Type": "application/json",
                               "X-CSRF-Token": self.admin.csrf}, csrf=False)
        self.assertError(r, 403, "forbidden")
        r = self.raw(self.operator, "POST", "/api/v1/hosts/monitoring", body)
        self.assertEqual(r.status, 200, r.body)
        r = self.raw(self.viewer, "POST", "/api/v1/logout", None, csrf=False)
        self.assertError(r, 403, "forbidden")

    def test_cookie_attributes(self):
        c = self.console.client()
        c.login("vera", VIEWER_PW)
        cookie = c.set_cookie_header
        for attr in ("HttpOnly", "SameSite=Strict", "Path=/", "Secure"):
            self.assertIn(attr.lower(), cookie.lower())
        c.logout()
        self.assertError(c.raw("GET", "/api/v1/me"), 401)
        c.close()

    # -- malformed input ------------------------------------------------------------------
    def test_malformed_json(self):
        for body in (b"{", b"[]", b"null", b'{"username": "admin", "password": }',
                     b'{"username": "admin", "password": "x"} trailing', b"\xff\xfe",
                     b'{"username": "admin", "username": "admin", "password": "x"}'):
            with self.subTest(body=body):
                r = self.anon.raw("POST", "/api/v1/login", body,
                                  {"Content-Type": "application/json"}, auth=False)
                self.assertError(r, 400, "bad_request")
        r = self.raw(self.operator, "POST", "/api/v1/hosts/monitoring", b'{"host_ids": [1,')
        self.assertError(r, 400, "bad_request")

    def test_wrong_types_and_unknown_keys(self):
        hid = self.hid(self.agents[0])
        for body in ({"host_ids": [hid], "enabled": "yes"}, {"host_ids": hid, "enabled": True},
                     {"host_ids": ["1"], "enabled": True}, {"enabled": True},
                     {"host_ids": [hid], "enabled": True, "force": True}):
            with self.subTest(body=body):
                r = self.raw(self.operator, "POST", "/api/v1/hosts/monitoring", body)
                self.assertError(r, 400, "bad_request")
                self.assertTrue(r.json()["error"]["message"])
        r = self.anon.raw("POST", "/api/v1/login", json.dumps(
            {"username": "admin", "password": ADMIN_PASSWORD, "remember": True}).encode(),
            {"Content-Type": "application/json"}, auth=False)
        self.assertError(r, 400, "bad_request")

    def test_unknown_host_ids_change_nothing(self):
        hid = self.hid(self.agents[0])
        r = self.raw(self.operator, "POST", "/api/v1/hosts/monitoring",
                     {"host_ids": [hid, 987654], "enabled": False})
        self.assertError(r, 404, "not_found")
        self.assertTrue(self.admin.host(hid)["monitoring"]["desired"])

    def test_wrong_content_type(self):
        r = self.operator.raw("POST", "/api/v1/hosts/monitoring", b"host_ids=1&enabled=true",
                              {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertError(r, 415, "unsupported_media_type")

    def test_oversized_bodies(self):
        status, body = self.headers_only("POST", "/api/v1/login", {
            "Content-Type": "application/json", "Content-Length": str((1 << 20) + 1)})
        self.assertEqual(status, 413, body)
        self.assertEqual(json.loads(body)["error"]["code"], "too_large")
        tok = self.agents[0].agent_state()["agent_token"]
        # Announced: refused from the header, before the body is read.
        status, body = self.headers_only("POST", "/api/agent/v1/alerts", {
            "Authorization": "Bearer " + tok, "Content-Type": "application/x-ndjson",
            "Content-Length": str((8 << 20) + 1)})
        self.assertEqual(status, 413, body)
        self.assertEqual(json.loads(body)["error"]["code"], "too_large")
        status, body = self.headers_only("POST", "/api/v1/hosts/monitoring", {
            "Authorization": "Bearer " + self.operator_token(),
            "Content-Type": "application/json", "Content-Length": str((1 << 20) + 1)})
        self.assertEqual(status, 413, body)
        # Not announced (chunked): refused once it passes the bound.
        status, body = self.chunked("POST", "/api/agent/v1/alerts", {
            "Authorization": "Bearer " + tok, "Content-Type": "application/x-ndjson"},
            b"x" * 65536, (8 << 20) // 65536 + 2)
        self.assertEqual(status, 413, body)
        # The console is still fine.
        self.assertEqual(self.admin.get("/api/v1/health")["status"], "ok")

    def operator_token(self):
        if not hasattr(type(self), "_op_token"):
            type(self)._op_token = self.operator.post("/api/v1/api-tokens",
                                                      {"name": "otto-token"})["token"]
        return type(self)._op_token

    def tls_socket(self):
        raw = socket.create_connection(("127.0.0.1", self.console.port), timeout=30)
        return self.console.ca.client_context().wrap_socket(raw, server_hostname="localhost")

    @staticmethod
    def read_response(s):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        status = int(head.split(b" ")[1]) if head else 0
        length = 0
        for line in head.split(b"\r\n")[1:]:
            k, _, v = line.partition(b":")
            if k.strip().lower() == b"content-length":
                length = int(v)
        while len(body) < length:
            chunk = s.recv(65536)
            if not chunk:
                break
            body += chunk
        return status, body.decode("utf-8", "replace")

    def headers_only(self, method, path, headers):
        """Sends only the request head (a Content-Length it never honours) and reads the
        answer: a bound must be enforced from the header."""
        with self.tls_socket() as s:
            head = "%s %s HTTP/1.1\r\nHost: localhost\r\n" % (method, path)
            head += "".join("%s: %s\r\n" % kv for kv in headers.items()) + "\r\n"
            s.sendall(head.encode())
            return self.read_response(s)

    def chunked(self, method, path, headers, chunk, count):
        with self.tls_socket() as s:
            head = "%s %s HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n" % (
                method, path)
            head += "".join("%s: %s\r\n" % kv for kv in headers.items()) + "\r\n"
            s.sendall(head.encode())
            try:
                for _ in range(count):
                    s.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
                s.sendall(b"0\r\n\r\n")
            except (ssl.SSLError, OSError):
                pass  # the server may answer and close before the end; the answer counts
            return self.read_response(s)

    def test_unknown_route_and_method(self):
        self.assertError(self.raw(self.admin, "GET", "/api/v1/nothing-here"), 404, "not_found")
        self.assertError(self.raw(self.admin, "PUT", "/api/v1/incidents", {}), 405,
                         "method_not_allowed")

    def test_bad_ndjson_lines_are_counted_as_rejected(self):
        a = self.agents[0]
        tok = a.agent_state()["agent_token"]
        good = {"schema": "procsentry.alert/1", "id": "0123456789abcdef-77",
                "time": "2026-11-28T04:13:55.123456789Z",
                "host": {"name": "x", "machine_id": None, "boot_id": None},
                "kind": "sensor", "severity": "high", "summary": "sensor: test",
                "sensor": {"what": "records_lost", "count": 1, "detail": "test"}}
        lines = [json.dumps(good).encode(),
                 b"not json",
                 b'{"schema": "procsentry.alert/2", "id": "x-1"}',
                 json.dumps(dict(good, id=None)).encode(),
                 json.dumps(dict(good, id="0123456789abcdef-78", severity="severe")).encode(),
                 json.dumps(dict(good, id="0123456789abcdef-79", time="yesterday")).encode(),
                 b"[1, 2, 3]",
                 b"\xff\xfe\xfd",
                 b"",
                 json.dumps(dict(good, id="0123456789abcdef-80", kind="summary",
                                 suppressed={"count": 1, "first_time": good["time"],
                                             "last_time": good["time"], "rules": []})).encode()]
        c = self.console.client(token=tok)
        r = c.raw("POST", "/api/agent/v1/alerts", b"\n".join(lines) + b"\n",
                  {"Content-Type": "application/x-ndjson"})
        c.close()
        self.assertEqual(r.status, 200, r.body)
        res = r.json()
        self.assertEqual(res["accepted"], 2, res)
        self.assertEqual(res["duplicates"], 0, res)
        # Empty lines are not alerts at all; the other 7 bad lines are rejected.
        self.assertEqual(res["rejected"], 7, res)
        got = {i["alert_id"]: i for i in self.admin.all_incidents(host=self.hid(a))}
        self.assertEqual(got["0123456789abcdef-77"]["kind"], "sensor")
        self.assertEqual(got["0123456789abcdef-77"]["severity"], "high")
        self.assertIsNone(got["0123456789abcdef-77"]["rule"])
        self.assertEqual(got["0123456789abcdef-80"]["kind"], "summary")

    def test_alert_over_64k_is_rejected(self):
        tok = self.agents[0].agent_state()["agent_token"]
        big = {"schema": "procsentry.alert/1", "id": "0123456789abcdef-90",
               "time": "2026-11-28T04:13:55.123456789Z",
               "host": {"name": "x", "machine_id": None, "boot_id": None},
               "kind": "sensor", "severity": "high", "summary": "s",
               "sensor": {"what": "records_lost", "count": 1, "detail": "d" * 70000}}
        c = self.console.client(token=tok)
        r = c.raw("POST", "/api/agent/v1/alerts", json.dumps(big).encode() + b"\n",
                  {"Content-Type": "application/x-ndjson"})
        c.close()
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json(), {"accepted": 0, "duplicates": 0, "rejected": 1})

    def test_security_headers_on_ui(self):
        r = self.anon.raw("GET", "/")
        self.assertEqual(r.status, 200)
        csp = r.headers.get("content-security-policy", "")
        self.assertIn("default-src 'self'", csp)
        self.assertIn("frame-ancestors 'none'", csp)
        self.assertEqual(r.headers.get("x-content-type-options"), "nosniff")
        for path in ("/ui/../console.json", "/ui/%2e%2e/console.json", "/../../etc/passwd",
                     "/ui/..%2f..%2fetc%2fpasswd"):
            with self.subTest(path=path):
                r = self.anon.raw("GET", path)
                self.assertIn(r.status, (400, 403, 404), path)
                self.assertNotIn(b"root:", r.body)
                self.assertNotIn(b'"store"', r.body)
