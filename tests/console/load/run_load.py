# SPDX-License-Identifier: GPL-2.0
"""Starts a real console (SQLite, TLS, in a temp dir), runs loadgen against it, and judges.

    run_load.py [--agents 200] [--rate 1000] [--duration 30] [--json OUT] [--assert]

With --assert (make test-console-load): exit 1 unless every alert sent is stored exactly once
(counted through the API), none was rejected, every agent enrolled, and (with --min-rate F)
the ingest rate reached F times the target.  Throughput and latencies are reported either way:
on a shared machine they measure the machine as much as the console.
"""
import argparse
import asyncio
import json
import os
import platform
import resource
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)

import loadgen  # noqa: E402
from fleet import Fleet  # noqa: E402


def proc_cpu_s(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / tick


def proc_rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return None


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu_model": model, "kernel": platform.release(),
            "python": platform.python_version()}


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--agents", type=int, default=200)
    p.add_argument("--rate", type=float, default=1000)
    p.add_argument("--duration", type=float, default=30)
    p.add_argument("--batch-ms", type=int, default=1000)
    p.add_argument("--json")
    p.add_argument("--assert", dest="check", action="store_true")
    p.add_argument("--min-rate", type=float, default=0.0,
                   help="with --assert: fail below this fraction of --rate")
    a = p.parse_args(argv)

    fleet = Fleet(agents=0, name="load")
    ok = False
    try:
        token = fleet.enrollment_token("load", max_uses=a.agents)
        api_token = fleet.admin.post("/api/v1/api-tokens", {"name": "load-watcher"})["token"]
        pid = fleet.console.proc.pid
        cpu0 = proc_cpu_s(pid)
        args = loadgen.parse(["--port", str(fleet.console.port), "--ca", fleet.ca.ca_file,
                              "--enroll-token", token, "--api-token", api_token,
                              "--agents", str(a.agents), "--rate", str(a.rate),
                              "--duration", str(a.duration), "--batch-ms", str(a.batch_ms)])
        ru0 = resource.getrusage(resource.RUSAGE_SELF)
        res = asyncio.run(loadgen.run(args))
        ru1 = resource.getrusage(resource.RUSAGE_SELF)
        res["generator_cpu_s"] = round(ru1.ru_utime + ru1.ru_stime - ru0.ru_utime -
                                       ru0.ru_stime, 2)
        res["load_average"] = os.getloadavg()
        res["console_cpu_s"] = round(proc_cpu_s(pid) - cpu0, 2)
        res["console_max_rss_kib"] = proc_rss_kib(pid)
        res["store"] = fleet.admin.get("/api/v1/health")["store"]
        res["machine"] = machine()
        hosts = fleet.admin.hosts()
        res["hosts_connected"] = sum(1 for h in hosts if h["connected"])
        text = json.dumps(res, indent=1)
        print(text)
        if a.json:
            os.makedirs(os.path.dirname(os.path.abspath(a.json)), exist_ok=True)
            with open(a.json, "w") as f:
                f.write(text + "\n")
        problems = []
        if res["stored_unique_of_sent"] != res["sent"]:
            problems.append("lost: %d of %d sent are not stored (e.g. %s)" % (
                res["sent"] - res["stored_unique_of_sent"], res["sent"], res["missing"][:5]))
        if res["duplicate_ids"]:
            problems.append("stored twice: %s" % res["duplicate_ids"][:5])
        if res["rejected"]:
            problems.append("%d alerts rejected" % res["rejected"])
        if res["ingest_alerts_per_s"] < a.min_rate * a.rate:
            problems.append("ingest %.1f alerts/s below %.0f%% of %.0f" % (
                res["ingest_alerts_per_s"], 100 * a.min_rate, a.rate))
        if res["acked"] != res["sent"]:
            problems.append("%d batches' alerts never acknowledged" % (res["sent"] - res["acked"]))
        if len(hosts) != a.agents:
            problems.append("%d hosts enrolled, expected %d" % (len(hosts), a.agents))
        for pr in problems:
            print("FAIL " + pr)
        ok = not problems
        if ok:
            print("PASS load: %d alerts from %d agents, %.1f alerts/s, batch p99 %s ms, "
                  "visible p99 %s ms" % (res["sent"], a.agents, res["ingest_alerts_per_s"],
                                         res["batch_latency_ms"]["p99"],
                                         res["visible_latency_ms"]["p99"]))
    finally:
        fleet.failed = not ok
        problems = fleet.close(check=False)
        if problems:
            print("FAIL " + "; ".join(problems))
            ok = False
    return 0 if (ok or not a.check) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
