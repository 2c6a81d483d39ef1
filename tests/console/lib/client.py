# SPDX-License-Identifier: GPL-2.0
"""HTTP(S) client for the console API (docs/api.md): a session (cookie + CSRF) or a bearer
token; non-2xx answers raise ApiError carrying the status, the headers and the JSON error."""
import http.client
import json
import urllib.parse


class ApiError(Exception):
    def __init__(self, method, path, status, body, headers):
        self.method, self.path, self.status, self.headers = method, path, status, headers
        self.raw = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None
        err = (self.json or {}).get("error") if isinstance(self.json, dict) else None
        self.code = err.get("code") if isinstance(err, dict) else None
        self.message = err.get("message") if isinstance(err, dict) else None
        self.details = err.get("details") if isinstance(err, dict) else None
        super().__init__("%s %s -> %d %s: %s" % (method, path, status, self.code,
                                                 self.message or body[:300]))


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body) if self.body else None


class ApiClient:
    """One keep-alive connection; reconnects once when the server closed it."""

    def __init__(self, host, port, ssl_context=None, token=None, timeout=30):
        self.server, self.port, self.ssl_context = host, port, ssl_context
        self.token = token
        self.timeout = timeout
        self.cookie = None
        self.csrf = None
        self.user = None
        self._conn = None

    # -- connection -----------------------------------------------------------------------
    def _connect(self):
        if self.ssl_context is not None:
            return http.client.HTTPSConnection(self.server, self.port, context=self.ssl_context,
                                               timeout=self.timeout)
        return http.client.HTTPConnection(self.server, self.port, timeout=self.timeout)

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def clone(self, token=None):
        """A new client to the same console (no session), e.g. for another user."""
        return ApiClient(self.server, self.port, self.ssl_context, token=token,
                         timeout=self.timeout)

    # -- requests -------------------------------------------------------------------------
    def raw(self, method, path, body=None, headers=None, params=None, csrf=True, auth=True):
        """Sends exactly what it is given (bytes or None); returns a Response, never raises
        ApiError.  auth=False leaves out the cookie and the token."""
        if params:
            path += ("&" if "?" in path else "?") + urllib.parse.urlencode(params, doseq=True)
        h = {"Host": "%s:%d" % (self.server, self.port)}
        if auth and self.token:
            h["Authorization"] = "Bearer " + self.token
        if auth and self.cookie:
            h["Cookie"] = "ps_session=" + self.cookie
            if csrf and self.csrf and method not in ("GET", "HEAD"):
                h["X-CSRF-Token"] = self.csrf
        h.update(headers or {})
        for attempt in (0, 1):
            if self._conn is None:
                self._conn = self._connect()
            try:
                self._conn.request(method, path, body=body, headers=h)
                r = self._conn.getresponse()
                data = r.read()
                hdrs = {k.lower(): v for k, v in r.getheaders()}
                if r.getheader("Connection", "").lower() == "close":
                    self.close()
                return Response(r.status, hdrs, data)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError,
                    http.client.CannotSendRequest):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def request(self, method, path, body=None, params=None, expect=None, csrf=True,
                headers=None):
        """JSON in, JSON out; a status outside ``expect`` (default: any 2xx) raises ApiError."""
        data = None
        hdrs = dict(headers or {})
        if body is not None:
            data = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        r = self.raw(method, path, data, hdrs, params, csrf=csrf)
        ok = (r.status in expect) if expect else 200 <= r.status < 300
        if not ok:
            raise ApiError(method, path, r.status, r.body.decode("utf-8", "replace"), r.headers)
        return r.json() if r.body else None

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    # -- session --------------------------------------------------------------------------
    def login(self, username, password):
        r = self.raw("POST", "/api/v1/login",
                     json.dumps({"username": username, "password": password}).encode(),
                     {"Content-Type": "application/json"}, auth=False)
        if r.status != 200:
            raise ApiError("POST", "/api/v1/login", r.status, r.body.decode("utf-8", "replace"),
                           r.headers)
        cookie = r.headers.get("set-cookie", "")
        for part in cookie.split(";"):
            k, _, v = part.strip().partition("=")
            if k == "ps_session":
                self.cookie = v
        if not self.cookie:
            raise AssertionError("login set no ps_session cookie: %r" % cookie)
        body = r.json()
        self.csrf = body["csrf_token"]
        self.user = body["user"]
        self.set_cookie_header = cookie
        return body

    def logout(self):
        self.post("/api/v1/logout")
        self.cookie = self.csrf = None

    # -- conveniences used by many tests --------------------------------------------------
    def incidents(self, **params):
        return self.get("/api/v1/incidents", params=params)

    def all_incidents(self, limit=500, **params):
        """Every page, following next_cursor."""
        items, cursor = [], None
        while True:
            p = dict(params, limit=limit)
            if cursor:
                p["cursor"] = cursor
            page = self.incidents(**p)
            items += page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                return items

    def hosts(self):
        return self.get("/api/v1/hosts")["items"]

    def host(self, host_id):
        return self.get("/api/v1/hosts/%d" % host_id)

    def create_enrollment_token(self, name, **kw):
        return self.post("/api/v1/enrollment-tokens", dict(name=name, **kw))
