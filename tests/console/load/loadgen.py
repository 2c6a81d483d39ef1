# SPDX-License-Identifier: GPL-2.0
"""Load generator: N simulated agents against a real procsentry-console, over TLS.

Each simulated agent does what procsentryd's console agent does on the wire (docs/api.md,
Agent protocol): enrols with an enrolment token, keeps a heartbeat long poll open, and POSTs
NDJSON batches of procsentry.alert/1 lines to /api/agent/v1/alerts with its agent token,
retrying a batch on 408/429/5xx and network errors (as the spool-backed HTTP sink does).  The
total rate is spread evenly over the agents; every alert id is unique.

A watcher polls GET /api/v1/incidents (newest first) and notes when each alert id first
appears: alert-to-visible latency.  At the end the whole incident list is read back to check
that every alert sent is stored exactly once.

Python 3 stdlib only (asyncio + ssl, a minimal HTTP/1.1 client with keep-alive).

    loadgen.py --port P --ca CA --enroll-token T --api-token T [--agents 200] [--rate 1000]
               [--duration 30] [--batch-ms 1000] [--json OUT]
"""
import argparse
import asyncio
import collections
import json
import os
import random
import ssl
import sys
import time

AGENT_VERSION = "0.0.0-loadgen"
TRACK_EVERY = 20  # alert-to-visible latency is measured on every 20th agent's alerts


class HttpError(Exception):
    def __init__(self, status, body):
        super().__init__("HTTP %d: %s" % (status, body[:200]))
        self.status = status


class Conn:
    """One keep-alive HTTP/1.1 connection (reconnects when needed)."""

    def __init__(self, host, port, ctx):
        self.host, self.port, self.ctx = host, port, ctx
        self.r = self.w = None

    async def close(self):
        if self.w is not None:
            self.w.close()
            try:
                await self.w.wait_closed()
            except (OSError, ssl.SSLError):
                pass
        self.r = self.w = None

    async def request(self, method, path, body=b"", headers=None, timeout=60):
        for attempt in (0, 1):
            if self.w is None:
                self.r, self.w = await asyncio.open_connection(
                    self.host, self.port, ssl=self.ctx, server_hostname="localhost")
            try:
                return await asyncio.wait_for(self._exchange(method, path, body, headers),
                                              timeout)
            except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError, OSError):
                await self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def _exchange(self, method, path, body, headers):
        h = ["%s %s HTTP/1.1" % (method, path), "Host: localhost:%d" % self.port,
             "Content-Length: %d" % len(body)]
        for k, v in (headers or {}).items():
            h.append("%s: %s" % (k, v))
        self.w.write(("\r\n".join(h) + "\r\n\r\n").encode() + body)
        await self.w.drain()
        status_line = await self.r.readuntil(b"\r\n")
        status = int(status_line.split()[1])
        length, chunked, close = None, False, False
        while True:
            line = await self.r.readuntil(b"\r\n")
            if line == b"\r\n":
                break
            k, _, v = line.decode("latin-1").partition(":")
            k, v = k.strip().lower(), v.strip()
            if k == "content-length":
                length = int(v)
            elif k == "transfer-encoding" and "chunked" in v.lower():
                chunked = True
            elif k == "connection" and v.lower() == "close":
                close = True
        if chunked:
            data = b""
            while True:
                size = int((await self.r.readuntil(b"\r\n")).split(b";")[0], 16)
                chunk = await self.r.readexactly(size + 2)
                if size == 0:
                    break
                data += chunk[:-2]
        else:
            data = await self.r.readexactly(length or 0)
        if close:
            await self.close()
        return status, data


def percentile(values, p):
    if not values:
        return None
    v = sorted(values)
    k = min(len(v) - 1, max(0, int(round(p / 100.0 * (len(v) - 1)))))
    return v[k]


def make_alert(prefix, n, host, sev, now_ns):
    t = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now_ns // 10**9)) + \
        ".%09dZ" % (now_ns % 10**9)
    pid = 10000 + n % 50000
    return {
        "schema": "procsentry.alert/1", "id": "%s-%d" % (prefix, n), "time": t,
        "host": {"name": host, "machine_id": None, "boot_id": None},
        "kind": "rule", "severity": sev,
        "summary": "alice (uid 1000) ran /tmp/load/p%d via /bin/bash: exec succeeded" % (n % 97),
        "rule": {"name": "exec-from-tmp", "type": "bin-execution"}, "outcome": "success",
        "process": {"pid": pid, "tid": pid, "ppid": 4000, "exe": "/tmp/load/p%d" % (n % 97),
                    "exe_trusted": True, "filename": "./p", "args": ["./p", "-n", str(n)],
                    "args_truncated": False, "comm": "p", "uid": 1000, "user": "alice",
                    "euid": 1000, "euser": "alice", "gid": 1000, "group": "alice",
                    "loginuid": 1000, "container": None, "cgroup_id": 77, "start_ns": now_ns},
        "ancestry": [{"pid": 4000, "exe": "/bin/bash", "comm": "bash", "uid": 1000,
                      "user": "alice"}],
        "credentials": {"before": None, "after": {
            "uid": 1000, "gid": 1000, "suid": 1000, "sgid": 1000, "euid": 1000, "egid": 1000,
            "fsuid": 1000, "fsgid": 1000, "cap_eff": "0x0", "cap_prm": "0x0"}},
        "call": {"name": "execve", "args": [], "errno": None}, "exit": None,
        "techniques": [], "reason": None, "exec_flags": [], "count": 1,
        "first_time": t, "last_time": t, "first_id": None,
    }


class Stats:
    def __init__(self):
        self.sent = {}          # alert id -> monotonic time the batch holding it was sent
        self.acked = set()
        self.accepted = 0
        self.duplicates = 0
        self.rejected = 0
        self.batch_latency = []
        self.heartbeat_latency = []  # answered-at-once heartbeats only (first one)
        self.enroll_latency = []
        self.errors = {}
        self.retries = 0
        self.visible = {}       # alert id -> monotonic time first seen in the incident list
        self.tracked_time = {}  # alert id -> its alert time (ns), tracked agents only

    def error(self, what):
        self.errors[what] = self.errors.get(what, 0) + 1


class Agent:
    SEVERITIES = ("info", "low", "medium", "high", "critical")

    def __init__(self, idx, args, ctx, stats):
        self.idx, self.args, self.ctx, self.stats = idx, args, ctx, stats
        self.name = "load-%03d" % idx
        self.prefix = "%016x" % random.getrandbits(64)
        self.n = 0
        self.token = None
        self.host_id = None

    async def enroll(self):
        c = Conn("127.0.0.1", self.args.port, self.ctx)
        body = json.dumps({"host": {"name": self.name, "machine_id": "%032x" % self.idx,
                                    "boot_id": "load"}, "agent_version": AGENT_VERSION}).encode()
        t0 = time.monotonic()
        st, data = await c.request("POST", "/api/agent/v1/enroll", body, {
            "Authorization": "Bearer " + self.args.enroll_token,
            "Content-Type": "application/json"})
        self.stats.enroll_latency.append(time.monotonic() - t0)
        await c.close()
        if st != 201:
            raise HttpError(st, data.decode("utf-8", "replace"))
        d = json.loads(data)
        self.token, self.host_id = d["agent_token"], d["host_id"]

    def heartbeat_body(self):
        return json.dumps({
            "agent_version": AGENT_VERSION,
            "host": {"name": self.name, "machine_id": "%032x" % self.idx, "boot_id": "load"},
            "kernel": {"release": "6.1.0-loadgen", "module_version": None, "abi_version": 1,
                       "state": "registered", "reason": None},
            "monitoring": {"enabled": True, "generation": 0},
            "config": {"applied_version": None, "rejected_version": None, "error": None},
            "loss": {"total": 0, "by_cause": {}},
            "alerts": {"total": self.n, "by_severity": {}},
            "uptime_s": 1}).encode()

    async def heartbeats(self, stop):
        c = Conn("127.0.0.1", self.args.port, self.ctx)
        first = True
        while not stop.is_set():
            t0 = time.monotonic()
            try:
                st, data = await c.request(
                    "POST", "/api/agent/v1/heartbeat?wait=%d" % self.args.heartbeat_wait,
                    self.heartbeat_body(), {"Authorization": "Bearer " + self.token,
                                            "Content-Type": "application/json"},
                    timeout=self.args.heartbeat_wait + 30)
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ssl.SSLError):
                self.stats.error("heartbeat_network")
                await asyncio.sleep(1)
                continue
            if st != 200:
                self.stats.error("heartbeat_%d" % st)
                await asyncio.sleep(1)
                continue
            if first:
                self.stats.heartbeat_latency.append(time.monotonic() - t0)
                first = False
        await c.close()

    async def alerts(self, deadline, t_start):
        c = Conn("127.0.0.1", self.args.port, self.ctx)
        per_batch = self.args.rate * self.args.batch_ms / 1000.0 / self.args.agents
        owed = 0.0
        # Spread the agents over the batch interval so the console sees a steady stream.
        next_t = t_start + (self.idx / self.args.agents) * self.args.batch_ms / 1000.0
        sev = Agent.SEVERITIES[self.idx % len(Agent.SEVERITIES)]
        while next_t < deadline:
            await asyncio.sleep(max(0.0, next_t - time.monotonic()))
            next_t += self.args.batch_ms / 1000.0
            owed += per_batch
            k = int(owed)
            owed -= k
            if k == 0:
                continue
            now_ns = time.time_ns()
            lines, ids = [], []
            tracked = self.idx % TRACK_EVERY == 0
            for _ in range(k):
                self.n += 1
                a = make_alert(self.prefix, self.n, self.name, sev, now_ns)
                ids.append(a["id"])
                if tracked:
                    self.stats.tracked_time[a["id"]] = now_ns
                lines.append(json.dumps(a, separators=(",", ":")))
            body = ("\n".join(lines) + "\n").encode()
            await self.post_batch(c, ids, body)
        await c.close()

    async def post_batch(self, c, ids, body):
        backoff = 0.1
        sent_at = time.monotonic()
        for i in ids:
            self.stats.sent[i] = sent_at
        while True:
            t0 = time.monotonic()
            try:
                st, data = await c.request("POST", "/api/agent/v1/alerts", body, {
                    "Authorization": "Bearer " + self.token,
                    "Content-Type": "application/x-ndjson"})
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ssl.SSLError):
                st, data = None, b""
            if st is not None and 200 <= st < 300:
                self.stats.batch_latency.append(time.monotonic() - t0)
                d = json.loads(data)
                self.stats.accepted += d.get("accepted", 0)
                self.stats.duplicates += d.get("duplicates", 0)
                self.stats.rejected += d.get("rejected", 0)
                self.stats.acked.update(ids)
                return
            self.stats.error("alerts_%s" % (st or "network"))
            if st is not None and st not in (408, 429) and st < 500:
                return  # the sink drops such a batch; the final count will show it
            self.stats.retries += 1
            await asyncio.sleep(backoff * (1 + random.random()))
            backoff = min(backoff * 2, 5.0)


def rfc3339(ns):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ns // 10**9)) + ".%09dZ" % (ns % 10**9)


async def watch(args, ctx, stats, stop, agents):
    """Alert-to-visible latency on a sample: the alerts of every TRACK_EVERY-th agent.  Each
    poll lists those hosts' incidents since the oldest alert not seen yet (newest first, all
    pages), so the watcher's own queries stay small and do not load the console much more
    than an operator's browser would."""
    c = Conn("127.0.0.1", args.port, ctx)
    hdr = {"Authorization": "Bearer " + args.api_token}
    tracked = [a for a in agents if a.idx % TRACK_EVERY == 0]
    hosts = ",".join(str(a.host_id) for a in tracked)
    while not stop.is_set():
        pending = [t for i, t in stats.tracked_time.items() if i not in stats.visible]
        since = rfc3339(min(pending) - 10**9) if pending else rfc3339(time.time_ns() - 2 * 10**9)
        cursor, pages = None, 0
        try:
            while True:
                path = "/api/v1/incidents?limit=500&host=%s&since=%s" % (hosts, since)
                if cursor:
                    path += "&cursor=" + cursor
                st, data = await c.request("GET", path, b"", hdr)
                now = time.monotonic()
                if st != 200:
                    stats.error("watch_%d" % st)
                    break
                d = json.loads(data)
                for it in d["items"]:
                    stats.visible.setdefault(it["alert_id"], now)
                pages += 1
                cursor = d["next_cursor"]
                if not cursor or pages >= 20:
                    break
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ssl.SSLError):
            stats.error("watch_network")
            await asyncio.sleep(0.2)
            continue
        await asyncio.sleep(args.watch_ms / 1000.0)
    await c.close()


async def count_stored(args, ctx):
    """Every incident id/alert id via paging (newest first, 500 a page)."""
    c = Conn("127.0.0.1", args.port, ctx)
    hdr = {"Authorization": "Bearer " + args.api_token}
    ids, cursor, pages = [], None, 0
    t0 = time.monotonic()
    while True:
        path = "/api/v1/incidents?limit=500" + ("&cursor=" + cursor if cursor else "")
        st, data = await c.request("GET", path, b"", hdr, timeout=120)
        if st != 200:
            raise HttpError(st, data.decode("utf-8", "replace"))
        d = json.loads(data)
        ids += [(it["host"]["id"], it["alert_id"]) for it in d["items"]]
        pages += 1
        cursor = d["next_cursor"]
        if not cursor:
            break
    await c.close()
    return ids, pages, time.monotonic() - t0


async def run(args):
    ctx = ssl.create_default_context(cafile=args.ca)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    stats = Stats()
    agents = [Agent(i, args, ctx, stats) for i in range(args.agents)]
    t0 = time.monotonic()
    sem = asyncio.Semaphore(20)

    async def enroll(a):
        async with sem:
            await a.enroll()
    await asyncio.gather(*(enroll(a) for a in agents))
    enroll_s = time.monotonic() - t0

    stop = asyncio.Event()
    hb = [asyncio.create_task(a.heartbeats(stop)) for a in agents]
    watcher = asyncio.create_task(watch(args, ctx, stats, stop, agents))
    await asyncio.sleep(1.0)  # heartbeats settle into their long polls
    t_start = time.monotonic()
    deadline = t_start + args.duration
    await asyncio.gather(*(a.alerts(deadline, t_start) for a in agents))
    t_sent = time.monotonic()
    # Let the watcher see the tail, bounded.
    end_wait = time.monotonic() + args.drain_s
    while len(stats.visible.keys() & stats.tracked_time.keys()) < len(stats.tracked_time) and \
            time.monotonic() < end_wait:
        await asyncio.sleep(0.1)
    stop.set()
    await watcher
    for t in hb:
        t.cancel()
    await asyncio.gather(*hb, return_exceptions=True)

    stored, pages, list_s = await count_stored(args, ctx)
    sent_ids = set(stats.sent)
    stored_ids = [i for _, i in stored]
    mine = [i for i in stored_ids if i in sent_ids]
    visible_lat = [stats.visible[i] - stats.sent[i] for i in stats.tracked_time
                   if i in stats.visible]
    res = {
        "agents": args.agents, "rate_target": args.rate, "duration_s": args.duration,
        "batch_ms": args.batch_ms,
        "enroll_s": round(enroll_s, 3),
        "sent": len(sent_ids), "acked": len(stats.acked),
        "accepted": stats.accepted, "duplicates": stats.duplicates, "rejected": stats.rejected,
        "retries": stats.retries, "errors": stats.errors,
        "send_span_s": round(t_sent - t_start, 3),
        "ingest_alerts_per_s": round(stats.accepted / max(1e-9, t_sent - t_start), 1),
        "batch_latency_ms": {"p50": ms(percentile(stats.batch_latency, 50)),
                             "p99": ms(percentile(stats.batch_latency, 99)),
                             "max": ms(max(stats.batch_latency, default=None)),
                             "n": len(stats.batch_latency)},
        "enroll_latency_ms": {"p50": ms(percentile(stats.enroll_latency, 50)),
                              "p99": ms(percentile(stats.enroll_latency, 99))},
        "first_heartbeat_latency_ms": {"p50": ms(percentile(stats.heartbeat_latency, 50)),
                                       "p99": ms(percentile(stats.heartbeat_latency, 99))},
        "visible_latency_ms": {"p50": ms(percentile(visible_lat, 50)),
                               "p99": ms(percentile(visible_lat, 99)),
                               "max": ms(max(visible_lat, default=None)),
                               "seen": len(visible_lat), "tracked": len(stats.tracked_time)},
        "stored_total": len(stored_ids), "stored_of_sent": len(mine),
        "stored_unique_of_sent": len(set(mine)),
        "missing": sorted(sent_ids - set(mine))[:20],
        "duplicate_ids": sorted(i for i, n in collections.Counter(mine).items() if n > 1)[:20],
        "list_all_pages": pages, "list_all_s": round(list_s, 3),
    }
    return res


def ms(v):
    return None if v is None else round(v * 1000.0, 1)


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--ca", required=True)
    p.add_argument("--enroll-token", required=True)
    p.add_argument("--api-token", required=True)
    p.add_argument("--agents", type=int, default=200)
    p.add_argument("--rate", type=float, default=1000.0, help="alerts/s, all agents together")
    p.add_argument("--duration", type=float, default=30.0)
    p.add_argument("--batch-ms", type=int, default=1000)
    p.add_argument("--heartbeat-wait", type=int, default=25)
    p.add_argument("--watch-ms", type=int, default=100)
    p.add_argument("--drain-s", type=float, default=30.0)
    p.add_argument("--json", help="write the results here too")
    return p.parse_args(argv)


def main(argv):
    args = parse(argv)
    res = asyncio.run(run(args))
    text = json.dumps(res, indent=1)
    print(text)
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            f.write(text + "\n")
    ok = res["stored_unique_of_sent"] == res["sent"] and not res["duplicate_ids"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
