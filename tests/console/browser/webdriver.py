# SPDX-License-Identifier: GPL-2.0
"""A minimal W3C WebDriver client (Python stdlib only) for Debian's chromium + chromedriver.

Starts chromedriver on a free port, opens one headless Chromium session in a fresh profile, and
offers what the browser tests need: navigate, find, click, type, read text, run a script,
screenshots, cookies, the browser console log. Every wait has a deadline."""
import atexit
import base64
import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
CHROMIUM = os.environ.get("PROCSENTRY_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("PROCSENTRY_CHROMEDRIVER", "/usr/bin/chromedriver")


class WebDriverError(AssertionError):
    pass


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Element:
    def __init__(self, driver, eid, css=None):
        self.driver, self.id, self.css = driver, eid, css

    def _url(self, tail=""):
        return "/element/%s%s" % (self.id, tail)

    def click(self):
        self.driver.cmd("POST", self._url("/click"), {})
        return self

    def clear(self):
        self.driver.cmd("POST", self._url("/clear"), {})
        return self

    def send_keys(self, text):
        self.driver.cmd("POST", self._url("/value"), {"text": text})
        return self

    @property
    def text(self):
        return self.driver.cmd("GET", self._url("/text"))

    def prop(self, name):
        return self.driver.cmd("GET", self._url("/property/%s" % name))

    def attr(self, name):
        return self.driver.cmd("GET", self._url("/attribute/%s" % name))

    def displayed(self):
        return self.driver.cmd("GET", self._url("/displayed"))

    def find(self, css):
        v = self.driver.cmd("POST", self._url("/element"), {"using": "css selector", "value": css})
        return Element(self.driver, v[ELEMENT], css)

    def find_all(self, css):
        v = self.driver.cmd("POST", self._url("/elements"), {"using": "css selector", "value": css})
        return [Element(self.driver, e[ELEMENT], css) for e in v]

    def __repr__(self):
        return "<Element %s>" % (self.css or self.id)


class Browser:
    """chromedriver + one Chromium session. Use as a context manager or call quit()."""

    def __init__(self, width=1366, height=768, accept_insecure_certs=True):
        self.port = _free_port()
        self.profile = tempfile.mkdtemp(prefix="ps-chromium-")
        self.log_path = os.path.join(self.profile, "chromedriver.log")
        self.driver_log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([CHROMEDRIVER, "--port=%d" % self.port],
                                     stdout=self.driver_log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.session = None
        # No orphaned chromedriver/Chromium when the test process ends without tearDown.
        atexit.register(self.quit)
        try:
            self._wait_ready(20)
            caps = {
                "browserName": "chrome",
                "acceptInsecureCerts": accept_insecure_certs,  # the console's test CA
                "goog:loggingPrefs": {"browser": "ALL"},
                "goog:chromeOptions": {
                    "binary": CHROMIUM,
                    "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                             "--no-first-run", "--disable-background-networking",
                             "--disable-component-update", "--disable-sync",
                             "--disable-dev-shm-usage",
                             "--user-data-dir=" + os.path.join(self.profile, "data"),
                             "--window-size=%d,%d" % (width, height)],
                },
            }
            v = self._http("POST", "/session", {"capabilities": {"alwaysMatch": caps}}, 60)
            self.session = v["sessionId"]
            self.cmd("POST", "/window/rect", {"width": width, "height": height})
            self.cmd("POST", "/timeouts", {"script": 30000, "pageLoad": 30000, "implicit": 0})
        except BaseException:
            self.quit()
            raise

    # -- transport ------------------------------------------------------------------------
    def _http(self, method, path, body=None, timeout=60):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            data = json.dumps(body).encode() if body is not None else None
            headers = {"Content-Type": "application/json; charset=utf-8"} if data else {}
            conn.request(method, path, body=data, headers=headers)
            r = conn.getresponse()
            raw = r.read()
        finally:
            conn.close()
        try:
            payload = json.loads(raw) if raw else {}
        except ValueError:
            raise WebDriverError("%s %s: not JSON: %r" % (method, path, raw[:300]))
        value = payload.get("value") if isinstance(payload, dict) else None
        if r.status >= 400 or (isinstance(value, dict) and "error" in value and r.status != 200):
            err = value if isinstance(value, dict) else {}
            raise WebDriverError("%s %s -> %d %s: %s" % (method, path, r.status, err.get("error"),
                                                        str(err.get("message", raw[:300]))[:500]))
        return value

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise WebDriverError("chromedriver exited with %d" % self.proc.returncode)
            try:
                v = self._http("GET", "/status", timeout=2)
                if v and v.get("ready"):
                    return
            except (OSError, WebDriverError):
                pass
            if time.monotonic() > deadline:
                raise WebDriverError("chromedriver not ready after %d s" % timeout)
            time.sleep(0.1)

    def cmd(self, method, path, body=None, timeout=60):
        return self._http(method, "/session/%s%s" % (self.session, path), body, timeout)

    # -- commands -------------------------------------------------------------------------
    def get(self, url):
        self.cmd("POST", "/url", {"url": url})

    @property
    def url(self):
        return self.cmd("GET", "/url")

    def set_hash(self, hash_):
        """Client-side navigation (no reload): what following a link does."""
        self.execute("location.hash = arguments[0];", hash_)

    def execute(self, script, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def find(self, css):
        v = self.cmd("POST", "/element", {"using": "css selector", "value": css})
        return Element(self, v[ELEMENT], css)

    def find_all(self, css):
        v = self.cmd("POST", "/elements", {"using": "css selector", "value": css})
        return [Element(self, e[ELEMENT], css) for e in v]

    def screenshot(self, path):
        png = base64.b64decode(self.cmd("GET", "/screenshot"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(png)
        return path

    def delete_cookie(self, name):
        self.cmd("DELETE", "/cookie/%s" % name)

    def cookies(self):
        return self.cmd("GET", "/cookie")

    def browser_log(self):
        """Console messages since the last call (chromedriver's legacy log endpoint)."""
        try:
            return self.cmd("POST", "/se/log", {"type": "browser"})
        except WebDriverError:
            return []

    # -- waits ----------------------------------------------------------------------------
    def wait(self, fn, timeout=20, what="condition", interval=0.1):
        """Calls fn() until truthy (returned); raises naming ``what`` at the deadline."""
        deadline = time.monotonic() + timeout
        last_err = None
        while True:
            try:
                v = fn()
                if v:
                    return v
                last_err = None
            except WebDriverError as e:  # e.g. no such element yet, stale element
                last_err = e
            if time.monotonic() > deadline:
                raise WebDriverError("timed out after %.1f s waiting for %s%s" % (
                    timeout, what, " (last error: %s)" % last_err if last_err else ""))
            time.sleep(interval)

    def wait_find(self, css, timeout=20):
        def found():
            els = self.find_all(css)
            return els[0] if els else None
        return self.wait(found, timeout, "element %s" % css)

    def wait_text(self, css, needle, timeout=20):
        """Until an element matching css contains needle; returns that element."""
        def found():
            for el in self.find_all(css):
                if needle in el.text:
                    return el
            return None
        return self.wait(found, timeout, "%r in %s" % (needle, css))

    # -- teardown -------------------------------------------------------------------------
    def quit(self):
        if self.session:
            try:
                self._http("DELETE", "/session/%s" % self.session, timeout=20)
            except (OSError, WebDriverError):
                pass
            self.session = None
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not self.driver_log.closed:
            self.driver_log.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.quit()
