# SPDX-License-Identifier: GPL-2.0
"""Incident-list query times through the API at N stored alerts (default 1 M).

Starts a real console (SQLite in a temp dir, or --pg for a throwaway PostgreSQL cluster),
loads N alerts through the agent API (10 agents, NDJSON batches, as procsentryd's HTTP sink
sends them), then times GET /api/v1/incidents for the queries the UI makes: the first page,
filters by host, severity, rule type, outcome, status, a time range, text search, and a page
deep in the list via the cursor.  Each query runs --repeat times; p50/p99/max in ms.

    query_bench.py [--alerts 1000000] [--repeat 20] [--pg] [--json OUT]
    query_bench.py --db FILE [--repeat 20] [--json OUT]   # an existing SQLite store (e.g.
                                                          # filled by console/bench/store_bench)
"""
import argparse
import asyncio
import json
import os
import ssl
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)

import fleet as fleet_mod  # noqa: E402
import loadgen  # noqa: E402
from fleet import Fleet  # noqa: E402

SEVS = ("info", "low", "medium", "high", "critical")
RULES = (("exec-from-tmp", "bin-execution"), ("root-escalation", "root-escalation"),
         ("process-crash", "termination-failure"))


def alert_line(prefix, n, host, t0_ns):
    now_ns = t0_ns + n * 1_000_000  # 1 ms apart: N alerts span N/1000 s of "time"
    a = loadgen.make_alert(prefix, n, host, SEVS[n % 5], now_ns)
    rn, rt = RULES[n % 3]
    a["rule"] = {"name": rn, "type": rt}
    a["outcome"] = "success" if n % 4 else "failure"
    a["process"]["user"] = ("alice", "bob", "www-data", "root")[n % 4]
    return json.dumps(a, separators=(",", ":"))


async def load(port, ctx, tokens, total, batch, t0_ns, conns):
    per = total // len(tokens)
    q = asyncio.Queue()
    for i, tok in enumerate(tokens):
        for start in range(0, per, batch):
            q.put_nowait((i, tok, start, min(batch, per - start)))
    done = {"accepted": 0, "duplicates": 0, "rejected": 0}

    async def worker():
        c = loadgen.Conn("127.0.0.1", port, ctx)
        while not q.empty():
            i, tok, start, k = q.get_nowait()
            prefix = "%016x" % (0xabc000 + i)
            body = ("\n".join(alert_line(prefix, start + j + 1, "bench-%d" % i, t0_ns)
                              for j in range(k)) + "\n").encode()
            while True:
                st, data = await c.request("POST", "/api/agent/v1/alerts", body, {
                    "Authorization": "Bearer " + tok, "Content-Type": "application/x-ndjson"},
                    timeout=300)
                if st == 200:
                    d = json.loads(data)
                    for key in done:
                        done[key] += d[key]
                    break
                if st not in (408, 429, 500, 503):
                    raise loadgen.HttpError(st, data.decode("utf-8", "replace"))
                await asyncio.sleep(0.5)
        await c.close()
    await asyncio.gather(*(worker() for _ in range(conns)))
    return done


async def timed(c, path, hdr, repeat):
    lat = []
    body = None
    for _ in range(repeat):
        t = time.monotonic()
        st, data = await c.request("GET", path, b"", hdr, timeout=300)
        lat.append(time.monotonic() - t)
        if st != 200:
            raise loadgen.HttpError(st, data.decode("utf-8", "replace"))
        body = json.loads(data)
    return lat, body


async def queries(port, ctx, api_token, host_ids, t0_ns, total, repeat):
    c = loadgen.Conn("127.0.0.1", port, ctx)
    hdr = {"Authorization": "Bearer " + api_token}
    span_s = total / 1000.0
    mid = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t0_ns / 1e9 + span_s / 2))
    mid2 = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t0_ns / 1e9 + span_s / 2 + 60))
    qs = [
        ("first page (50, newest first)", "/api/v1/incidents"),
        ("first page, limit 500", "/api/v1/incidents?limit=500"),
        ("host = one of 10", "/api/v1/incidents?host=%d" % host_ids[3]),
        ("severity = critical", "/api/v1/incidents?severity=critical"),
        ("min_severity = high", "/api/v1/incidents?min_severity=high"),
        ("rule_type = root-escalation, outcome = failure",
         "/api/v1/incidents?rule_type=root-escalation&outcome=failure"),
        ("status = acknowledged (none match)", "/api/v1/incidents?status=acknowledged"),
        ("time range: 1 minute in the middle", "/api/v1/incidents?since=%s&until=%s" % (mid,
                                                                                        mid2)),
        ("host + severity + rule_type", "/api/v1/incidents?host=%d&severity=high"
         "&rule_type=bin-execution" % host_ids[5]),
        ("text q=www-data", "/api/v1/incidents?q=www-data"),
        ("text q=p42 (rare)", "/api/v1/incidents?q=%2Fp42%20"),
    ]
    out = []
    for name, path in qs:
        lat, body = await timed(c, path, hdr, repeat)
        out.append({"query": name, "path": path, "items": len(body["items"]),
                    "p50_ms": loadgen.ms(loadgen.percentile(lat, 50)),
                    "p99_ms": loadgen.ms(loadgen.percentile(lat, 99)),
                    "max_ms": loadgen.ms(max(lat))})
        print(json.dumps(out[-1]), flush=True)
    # Deep paging: follow the cursor 100 pages down (5000 incidents), time each page.
    lat, cursor = [], None
    for _ in range(100):
        path = "/api/v1/incidents?limit=50" + ("&cursor=" + cursor if cursor else "")
        t = time.monotonic()
        st, data = await c.request("GET", path, b"", hdr, timeout=300)
        lat.append(time.monotonic() - t)
        cursor = json.loads(data)["next_cursor"]
    out.append({"query": "paging: pages 1..100 via cursor", "p50_ms":
                loadgen.ms(loadgen.percentile(lat, 50)),
                "p99_ms": loadgen.ms(loadgen.percentile(lat, 99)), "max_ms": loadgen.ms(max(lat))})
    print(json.dumps(out[-1]), flush=True)
    await c.close()
    return out


def query_existing(a):
    """The console on an existing store file: only the queries."""
    import sqlite3
    db = sqlite3.connect(a.db)
    n, tmin, tmax = db.execute("SELECT count(*), min(time_ns), max(time_ns) FROM incidents"
                               ).fetchone()
    db.close()
    f = Fleet(agents=0, name="querybench", console_extra={
        "store": {"type": "sqlite", "path": os.path.abspath(a.db)}})
    try:
        ctx = ssl.create_default_context(cafile=f.ca.ca_file)
        api_token = f.admin.post("/api/v1/api-tokens", {"name": "bench"})["token"]
        host_ids = [h["id"] for h in f.admin.hosts()] or [1]
        host_ids = (host_ids * 10)[:10]
        # queries() places its time range in the middle of [t0, t0 + total ms].
        total = max(1, (tmax - tmin) // 1_000_000)
        out = asyncio.run(queries(f.console.port, ctx, api_token, host_ids, tmin, total,
                                  a.repeat))
        result = {"alerts": n, "store": "sqlite", "db": a.db,
                  "db_bytes": os.path.getsize(a.db), "queries": out}
        if a.json:
            os.makedirs(os.path.dirname(os.path.abspath(a.json)), exist_ok=True)
            with open(a.json, "w") as fh:
                json.dump(result, fh, indent=1)
        print(json.dumps(result, indent=1))
    finally:
        f.close(check=False)
    return 0


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--alerts", type=int, default=1_000_000)
    p.add_argument("--batch", type=int, default=2000)
    p.add_argument("--conns", type=int, default=4)
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--pg", action="store_true")
    p.add_argument("--json")
    p.add_argument("--db", help="query this SQLite store instead of loading one")
    a = p.parse_args(argv)
    cluster = None
    if a.pg:
        from pgcluster import PgCluster
        cluster = PgCluster()
        fleet_mod.PG_CLUSTER = cluster
    if a.db:
        return query_existing(a)
    f = Fleet(agents=0, name="querybench")
    try:
        ctx = ssl.create_default_context(cafile=f.ca.ca_file)
        tok = f.enrollment_token("bench", max_uses=10)
        tokens, host_ids = [], []
        c = f.console.client()
        for i in range(10):
            r = c.raw("POST", "/api/agent/v1/enroll", json.dumps({
                "host": {"name": "bench-%d" % i, "machine_id": "%032x" % i, "boot_id": "bench"},
                "agent_version": "bench"}).encode(), {"Authorization": "Bearer " + tok,
                                                       "Content-Type": "application/json"})
            d = r.json()
            tokens.append(d["agent_token"])
            host_ids.append(d["host_id"])
        c.close()
        api_token = f.admin.post("/api/v1/api-tokens", {"name": "bench"})["token"]
        t0_ns = time.time_ns() - a.alerts * 1_000_000
        t = time.monotonic()
        res = asyncio.run(load(f.console.port, ctx, tokens, a.alerts, a.batch, t0_ns, a.conns))
        load_s = time.monotonic() - t
        print(json.dumps({"loaded": res, "load_s": round(load_s, 1),
                          "alerts_per_s": round(res["accepted"] / load_s, 1)}), flush=True)
        out = asyncio.run(queries(f.console.port, ctx, api_token, host_ids, t0_ns, a.alerts,
                                  a.repeat))
        db = None
        if not a.pg:
            db = sum(os.path.getsize(os.path.join(f.console.dir, x))
                     for x in os.listdir(f.console.dir) if x.startswith("console.db"))
        result = {"alerts": a.alerts, "store": "postgresql" if a.pg else "sqlite",
                  "load": res, "load_s": round(load_s, 1),
                  "ingest_alerts_per_s": round(res["accepted"] / load_s, 1),
                  "db_bytes": db, "queries": out}
        if a.json:
            os.makedirs(os.path.dirname(os.path.abspath(a.json)), exist_ok=True)
            with open(a.json, "w") as fh:
                json.dump(result, fh, indent=1)
        print(json.dumps(result, indent=1))
    finally:
        f.close(check=False)
        if cluster:
            cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
