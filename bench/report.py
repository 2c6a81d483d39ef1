#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the guest log of `make bench` (bench/in-guest.sh) into the results tables.

Prints the tables (Markdown) and, with --doc, replaces the generated block of
docs/PERFORMANCE.md (between the BEGIN/END markers) with them.
"""
import argparse
import json
import re
import statistics
import sys

CONFIGS = {
    "a": "no module",
    "b": "module loaded, no reader",
    "c": "module + procsentry-dump",
    "d": "auditd (execve + set*id rules)",
    "e": "proc-connector listener",
    "c0": "module + rawreader (no decoding)",
    "c2": "module hook_mode=syscall_tp + procsentry-dump",
    "c3": "module + procsentry-dump --mask exec,exec_failed,exit,fork",
    "p": "module + procsentryd, shipped rules",
    "pa": "module + procsentryd, every exec alerts (file sink, no folding, no cap)",
}
ORDER = ["a", "b", "c", "d", "e", "c0", "c2", "c3", "p", "pa"]
WORKLOADS = ["exec", "getppid", "setresuid"]
WL_TITLE = {"exec": "exec storm (fork+execve+wait)", "getppid": "getppid loop",
            "setresuid": "setresuid(-1,-1,-1) loop"}
# Targets: (config, workload) -> highest acceptable ratio to (a).
TARGETS = {
    ("c", "exec"): 1.02, ("c", "getppid"): 1.01, ("c", "setresuid"): 1.10,
    ("b", "exec"): 1.005, ("b", "getppid"): 1.005, ("b", "setresuid"): 1.005,
    ("p", "exec"): 1.02,
}
# The daemon's targets (issue 3, section 8).
PIPELINE_TARGET = 2e6        # records/s per core
RSS_TARGET_KB = 20 * 1024    # with 10 k tracked processes
LAT_P99_TARGET_NS = 5e6      # exec-to-alert p99 at 1 k execs/s
# Measured earlier on this machine the same way (exec storm unless said otherwise).
REFERENCES = [
    ("one genetlink message per event (prototype)", "exec", 1.08),
    ("proc connector", "exec", 1.06),
    ("auditd", "exec", 1.93),
    ("auditd", "setresuid", 300.0),
]
BEGIN = "<!-- BEGIN GENERATED RESULTS (bench/report.py) -->"
END = "<!-- END GENERATED RESULTS -->"

KV = re.compile(r"(\w+)=(\S+)")


def kv(text):
    return dict(KV.findall(text))


def totals(js):
    t = js.get("totals", {})
    dropped = sum(v for k, v in t.items() if k.startswith("dropped_"))
    return t.get("produced", 0), t.get("delivered", 0), dropped


def parse(path):
    res = {"runs": [], "stats": [], "rate": {}, "start": {}, "end": {}, "notes": [],
           "audit": [], "cn": [], "raw": [], "lat": [], "daemon": []}
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            i = line.find("BENCH")
            if i < 0:
                continue
            line = line[i:]
            head, _, rest = line.partition(" ")
            if head == "BENCH":
                d = kv(rest)
                try:
                    res["runs"].append((d["cfg"], int(d["round"]), d["workload"], int(d["ops"]), int(d["ns"])))
                except (KeyError, ValueError):
                    res["notes"].append(line)
            elif head == "BENCH-STATS":
                m = re.match(r"cfg=(\S+) round=(\d+) workload=(\S+) (.*)$", rest)
                if m:
                    try:
                        js = json.loads(m.group(4))
                    except ValueError:
                        res["notes"].append("unparsable stats: " + line[:200])
                        continue
                    res["stats"].append((m.group(1), int(m.group(2)), m.group(3), totals(js)))
            elif head in ("BENCH-RATE", "BENCH-RATE-BEFORE", "BENCH-RATE-AFTER"):
                m = re.match(r"tag=(\S+) (.*)$", rest)
                if not m:
                    continue
                step = res["rate"].setdefault(m.group(1), {})
                if head == "BENCH-RATE":
                    step["run"] = kv(m.group(2))
                else:
                    try:
                        step[head[11:].lower()] = totals(json.loads(m.group(2)))
                    except ValueError:
                        res["notes"].append("unparsable stats: " + line[:200])
            elif head == "BENCH-START":
                res["start"] = kv(rest)
            elif head == "BENCH-END":
                res["end"] = kv(rest)
            elif head in ("BENCH-LOG", "BENCH-SKIP"):
                res["notes"].append(line)
            elif head == "BENCH-AUDITLOG":
                res["audit"].append(kv(rest))
            elif head == "BENCH-CN":
                res["cn"].append(rest)
            elif head == "BENCH-RAW":
                res["raw"].append(rest)
            elif head == "BENCH-LAT":
                res["lat"].append(kv(rest))
            elif head == "BENCH-DAEMON":
                res["daemon"].append(kv(rest))
    return res


def cfg_name(c):
    if c in CONFIGS:
        return CONFIGS[c]
    if c.startswith("c0m"):
        return f"module + rawreader, event mask {c[3:]}"
    if c.startswith("c0f"):
        return f"module flush_us={c[3:]} + rawreader"
    return c


def fmt_ns(v):
    if v >= 100000:
        return f"{v / 1000:.1f} µs"
    if v >= 1000:
        return f"{v / 1000:.2f} µs"
    return f"{v:.1f} ns"


def fmt_ratio(r):
    if r >= 100:
        return f"{r:.0f}×"
    if r >= 10:
        return f"{r:.1f}×"
    return f"{r:.3f}×"


def parse_host(path):
    host = {"info": {}, "pipeline": None, "rss": [], "notes": []}
    if not path:
        return host
    try:
        f = open(path, errors="replace")
    except OSError as e:
        host["notes"].append(f"host log unreadable: {e}")
        return host
    with f:
        for line in f:
            head, _, rest = line.rstrip("\n").partition(" ")
            if head == "HOST-INFO":
                host["info"] = kv(rest)
            elif head == "HOST-RSS":
                host["rss"].append(kv(rest))
            elif head == "HOST-NOTE":
                host["notes"].append(rest)
            elif head == "HOST-PIPELINE":
                try:
                    with open(kv(rest)["file"]) as jf:
                        js = json.load(jf)
                except (OSError, KeyError, ValueError) as e:
                    host["notes"].append(f"pipeline results unreadable: {e}")
                    continue
                runs = [b for b in js.get("benchmarks", [])
                        if b.get("run_type") == "iteration" and "items_per_second" in b]
                if runs:
                    ips = [b["items_per_second"] for b in runs]
                    host["pipeline"] = {
                        "median": statistics.median(ips), "min": min(ips), "max": max(ips), "n": len(ips),
                        "alerts_per_pass": runs[0].get("alerts_per_pass"), "loss": runs[0].get("loss"),
                        "cpu": js.get("context", {}).get("mhz_per_cpu"),
                    }
    return host


def daemon_report(res, host, med, missed):
    out = []
    p = out.append
    p("## Daemon results")
    p("")
    p("Generated with the sensor results above (same `make bench` run); what each number contains "
      "is explained in \"Daemon: method\" below.")
    p("")
    p("| target (issue 3, §8) | measured | verdict |")
    p("|---|---:|---|")
    pl = host["pipeline"]
    if pl:
        ok = pl["median"] >= PIPELINE_TARGET
        if not ok:
            missed.append(f"pipeline {pl['median'] / 1e6:.2f} M records/s < 2 M")
        p(f"| decode + rules, records/s per core ≥ 2 M (host) | {pl['median'] / 1e6:.2f} M "
          f"(median of {pl['n']}; {pl['min'] / 1e6:.2f}–{pl['max'] / 1e6:.2f} M) | {'met' if ok else '**missed**'} |")
    else:
        p("| decode + rules, records/s per core ≥ 2 M (host) | not measured | – |")
    big = [r for r in host["rss"] if r.get("live") == "10000"]
    if big:
        kb = int(big[0].get("peak_rss_kb", "0"))
        ok = 0 < kb <= RSS_TARGET_KB
        if not ok:
            missed.append(f"RSS {kb} kB > 20 MB")
        fkb = int(big[0].get("file_kb", "0"))
        p(f"| procsentryd peak RSS with 10 k tracked processes ≤ 20 MB (host, --replay) | "
          f"{kb / 1024:.1f} MiB ({big[0].get('tracked', '?')} tracked; {fkb / 1024:.1f} MiB of it the replay "
          f"file held in memory) | {'met' if ok else '**missed**'} |")
    else:
        p("| procsentryd peak RSS with 10 k tracked processes ≤ 20 MB | not measured | – |")
    lat = [d for d in res["lat"] if d.get("flush_us") == "1000"]
    if lat and "p99_ns" in lat[0]:
        d = lat[0]
        p99 = int(d["p99_ns"])
        ok = p99 <= LAT_P99_TARGET_NS
        if not ok:
            missed.append(f"latency p99 {p99 / 1e6:.2f} ms > 5 ms")
        p(f"| exec-to-alert p99 ≤ 5 ms at {d.get('rate', '?')} execs/s (guest) | {p99 / 1e6:.2f} ms "
          f"(p50 {int(d['p50_ns']) / 1e6:.2f} ms) | {'met' if ok else '**missed**'} |")
    else:
        p("| exec-to-alert p99 ≤ 5 ms at 1 k execs/s (guest) | not measured | – |")
    for c, title, lim in (("p", "exec storm, procsentryd (shipped rules) as the reader", "≤ 1.02×"),
                          ("pa", "exec storm, every exec alerts (worst case)", "no target")):
        if (c, "exec") in med and ("a", "exec") in med:
            r = med[(c, "exec")] / med[("a", "exec")]
            verdict = ("met" if r <= 1.02 else "**missed**") if c == "p" else "–"
            extra = ""
            if c == "p" and ("c0", "exec") in med:
                extra = f"; module + rawreader in this run: {fmt_ratio(med[('c0', 'exec')] / med[('a', 'exec')])}"
            p(f"| {title} {lim} (guest) | {fmt_ratio(r)}{extra} | {verdict} |")
        else:
            p(f"| {title} {lim} (guest) | not measured | – |")
    p("")
    if pl:
        info = host["info"]
        p(f"Pipeline (host, one thread, `procsentry_pipeline_bench` BM_PipelineDefaultRules, Release -O2, "
          f"{info.get('cpu', '?').replace('_', ' ')}, {info.get('nproc', '?')} cores shared, load "
          f"{info.get('load', '?')} at the start): {pl['median']:,.0f} records/s; "
          f"{pl['alerts_per_pass'] or 0:.2g} alerts per pass of 20 000 process lifecycles (the mix holds "
          f"almost nothing the shipped rules alert on, and folding merges repeats); loss counter "
          f"{pl['loss'] or 0:.0f}.")
        p("")
    if host["rss"]:
        p("procsentryd --replay, shipped rules, file sink (host): " + "; ".join(
            f"{r.get('live')} live process(es): {r.get('records')} records, {r.get('alerts')} alerts, "
            f"{r.get('tracked')} tracked, peak RSS {int(r.get('peak_rss_kb', 0)) / 1024:.1f} MiB "
            f"(replay file {int(r.get('file_kb', 0)) / 1024:.1f} MiB)"
            for r in host["rss"]) + ".")
        p("")
    if res["lat"]:
        p("Exec-to-alert latency (guest, `alertlat`, CLOCK_MONOTONIC = instruction count):")
        p("")
        p("| module flush_us | execs/s | execs | alerts matched | p50 | p90 | p99 | max | min | no alert after 2 s |")
        p("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for d in res["lat"]:
            ms = lambda k: f"{int(d[k]) / 1e6:.3f} ms" if k in d else "–"
            p(f"| {d.get('flush_us', '?')} | {d.get('rate', '?')} | {d.get('ops', '?')} | {d.get('alerts', '?')} | "
              f"{ms('p50_ns')} | {ms('p90_ns')} | {ms('p99_ns')} | {ms('max_ns')} | {ms('min_ns')} | "
              f"{d.get('late', '?')} |")
        p("")
    if res["daemon"]:
        per = {}
        for d in res["daemon"]:
            per.setdefault(d.get("cfg"), []).append(d.get("alerts", "?"))
        p("Alerts written per round: " + "; ".join(f"({c}) {', '.join(v)}" for c, v in per.items()) + ".")
        p("")
    if host["notes"]:
        p("Host notes:")
        p("")
        for n in host["notes"][:10]:
            p(f"    {n}")
        p("")
    return out


def report(res, kernel, wall, host=None):
    per = {}  # (cfg, wl) -> [ns/op per round]
    ops = {}
    for cfg, rnd, wl, n, ns in res["runs"]:
        if n <= 0 or cfg == "warmup":
            continue
        per.setdefault((cfg, wl), []).append(ns / n)
        ops.setdefault((cfg, wl), []).append(n)
    med = {k: statistics.median(v) for k, v in per.items()}
    seen = {c for c, _ in med}
    cfgs = [c for c in ORDER if c in seen] + sorted(seen - set(ORDER))
    rounds = max((r for _, r, _, _, _ in res["runs"]), default=0)
    st = res["start"]
    out = []
    p = out.append
    p("## Results")
    p("")
    guest = ""
    try:
        guest = f", guest time {float(res['end']['uptime']) - float(st['uptime']):.0f} s"
    except (KeyError, ValueError):
        pass
    p(f"Kernel {kernel}, {st.get('nproc', '?')} vCPU, {rounds} rounds of "
      f"{', '.join(cfgs)}; the run took {wall} s wall (module, programs and image build included){guest}. "
      f"Iterations per measurement: exec {st.get('exec_n', '?')}, getppid {st.get('getppid_n', '?')}, "
      f"setresuid {st.get('setresuid_n', '?')}, each loop stopped after at most "
      f"{int(st.get('cap_ns', '0')) / 1e9:g} s of guest time (the per-operation time is what counts).")
    p("")
    p("Configurations: " + "; ".join(f"({c}) {cfg_name(c)}" for c in cfgs) + ".")
    p("")
    p("### Ratio to (a), median of the rounds")
    p("")
    p("| workload | (a) per op | " + " | ".join(f"({c})" for c in cfgs if c != "a") + " |")
    p("|---|---:|" + "---:|" * (len(cfgs) - 1))
    for wl in WORKLOADS:
        if ("a", wl) not in med:
            continue
        a = med[("a", wl)]
        cells = []
        for c in cfgs:
            if c == "a":
                continue
            cells.append(fmt_ratio(med[(c, wl)] / a) if (c, wl) in med else "–")
        p(f"| {WL_TITLE[wl]} | {fmt_ns(a)} | " + " | ".join(cells) + " |")
    p("")
    p("### Median time per operation, and spread of the rounds ((max − min) / median)")
    p("")
    p("| config | " + " | ".join(WORKLOADS) + " |")
    p("|---|" + "---:|" * len(WORKLOADS))
    for c in cfgs:
        cells = []
        for wl in WORKLOADS:
            v = per.get((c, wl))
            if not v:
                cells.append("–")
                continue
            m = statistics.median(v)
            spread = (max(v) - min(v)) / m * 100 if m else 0
            cells.append(f"{fmt_ns(m)} ±{spread:.2f}% (n={len(v)})")
        p(f"| ({c}) {cfg_name(c)} | " + " | ".join(cells) + " |")
    p("")
    p("### Targets")
    p("")
    p("| target | measured | verdict |")
    p("|---|---:|---|")
    missed = []
    for (c, wl), lim in TARGETS.items():
        if (c, wl) not in med or ("a", wl) not in med:
            p(f"| ({c}) {wl} ≤ {lim}× | not measured | – |")
            continue
        r = med[(c, wl)] / med[("a", wl)]
        ok = r <= lim
        if not ok:
            missed.append(f"({c}) {wl} {fmt_ratio(r)} > {lim}×")
        p(f"| ({c}) {wl} ≤ {lim}× | {fmt_ratio(r)} | {'met' if ok else '**missed**'} |")
    for name, wl, ref in REFERENCES:
        mine = {"proc connector": "e", "auditd": "d"}.get(name)
        got = ""
        if mine and (mine, wl) in med and ("a", wl) in med:
            got = f"; this run: ({mine}) {fmt_ratio(med[(mine, wl)] / med[('a', wl)])}"
        p(f"| reference: {name}, {wl} | {ref}× | earlier measurement{got} |")
    p("")
    # Records and drops per workload, from the module counters.
    if res["stats"]:
        p("### Records and drops in the reader configurations (module counters, all rounds)")
        p("")
        p("| config | workload | records per op | delivered | dropped |")
        p("|---|---|---:|---:|---:|")
        prev = {}
        acc = {}
        for cfg, rnd, wl, tot in res["stats"]:
            base = prev.get((cfg, rnd), (0, 0, 0))
            d = tuple(x - y for x, y in zip(tot, base))
            prev[(cfg, rnd)] = tot
            a = acc.setdefault((cfg, wl), [0, 0, 0])
            for i in range(3):
                a[i] += d[i]
        for (cfg, wl), (prod, deliv, drop) in acc.items():
            n = sum(o for (c, w), os_ in ops.items() if c == cfg and w == wl for o in os_)
            rpo = f"{prod / n:.2f}" if n else "?"
            pct = f" ({drop / prod * 100:.1f}%)" if prod and drop else ""
            p(f"| ({cfg}) | {wl} | {rpo} | {deliv} | {drop}{pct} |")
        p("")
    if res["rate"]:
        p("### Record rate without drops: module + procsentry-dump, one vCPU")
        p("")
        p("Exec storm at full speed, then bursts of set*id calls (2 cred-change records per "
          "iteration) paced by a spin of GAP ns after each pair. Each step starts with the "
          "reader's socket empty; the module's counters are read before the step and after the "
          "reader has drained its socket. *backlog* is what was still queued on the reader's "
          "socket when the step ended (the 8 MiB receive buffer absorbs a burst the reader "
          "cannot keep up with), *drain* how long reading it took afterwards. Steps named raw-… "
          "use rawreader instead of procsentry-dump: the module's own limit.")
        p("")
        p("| step | guest time | produced | delivered | dropped | delivered/s | backlog | drain |")
        p("|---|---:|---:|---:|---:|---:|---:|---:|")
        burst = sustained = None
        for tag, s in res["rate"].items():
            if "before" not in s or "after" not in s or "run" not in s:
                continue
            prod, deliv, drop = (x - y for x, y in zip(s["after"], s["before"]))
            run = s["run"]
            secs = int(run.get("ns", 0)) / 1e9
            rate = deliv / secs if secs else 0
            backlog = int(run.get("backlog", 0))
            p(f"| {tag} | {secs:.3f} s | {prod} | {deliv} | {drop} | {rate:,.0f} | "
              f"{backlog // 1024} KiB | {run.get('drain_ms', '?')} ms |")
            if tag.startswith("raw-") or drop:
                continue
            if burst is None or rate > burst[1]:
                burst = (tag, rate)
            if backlog <= 256 * 1024 and (sustained is None or rate > sustained[1]):
                sustained = (tag, rate)
        p("")
        if sustained:
            p(f"Highest rate procsentry-dump keeps up with (no drop, backlog at the end ≤ 256 KiB): "
              f"**{sustained[1]:,.0f} records/s** ({sustained[0]}).")
        if burst:
            p(f"Highest rate of a ~0.5 s burst delivered without drops (the socket buffer "
              f"absorbing the rest): **{burst[1]:,.0f} records/s** ({burst[0]}).")
        if not burst:
            p("No step ran without drops.")
        p("")
    if res["audit"] or res["cn"] or res["raw"]:
        p("Side notes (round 1): " + "; ".join(
            [f"auditd wrote {int(d.get('bytes', 0)) // 1024} KiB of log" for d in res["audit"][:1]]
            + [x.split(" ", 2)[-1] if x.startswith("cfg=") else x.split(" ", 1)[-1]
               for x in res["cn"][:1] + res["raw"][:1]]) + ".")
        p("")
    if res["notes"]:
        p("Guest notes:")
        p("")
        for n in res["notes"][:20]:
            p(f"    {n}")
        p("")
    if host is None:
        host = parse_host(None)
    if host["pipeline"] or host["rss"] or res["lat"] or res["daemon"] or ("p", "exec") in med:
        out.extend(daemon_report(res, host, med, missed))
    return "\n".join(out), missed


def write_doc(path, text):
    block = f"{BEGIN}\n{text}\n{END}\n"
    try:
        with open(path) as f:
            doc = f.read()
    except FileNotFoundError:
        doc = "# Performance\n\n"
    if BEGIN in doc and END in doc:
        pre = doc[:doc.index(BEGIN)]
        post = doc[doc.index(END) + len(END):].lstrip("\n")
        doc = pre + block + ("\n" + post if post else "")
    else:
        doc = doc.rstrip("\n") + "\n\n" + block
    with open(path, "w") as f:
        f.write(doc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--kernel", default="?")
    ap.add_argument("--wall", default="?")
    ap.add_argument("--doc")
    ap.add_argument("--host", help="host.log of bench/host-bench.sh (the daemon's host part)")
    a = ap.parse_args()
    res = parse(a.log)
    if not res["runs"] and not res["rate"]:
        print(f"report: no BENCH lines in {a.log}", file=sys.stderr)
        return 1
    text, missed = report(res, a.kernel, a.wall, parse_host(a.host))
    print(text)
    if missed:
        print("report: targets missed: " + "; ".join(missed))
    if a.doc:
        write_doc(a.doc, text)
        print(f"report: results written to {a.doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
