#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write a procsentryd configuration for `make bench`: SRC's rules, daemon and noise settings
as they are, with the sinks replaced by one file sink at ALERTS (so the benchmark measures the
shipped rules without needing syslog or /var/log).

    bench/mkconfig.py SRC ALERTS OUT
"""
import json
import sys


def main():
    if len(sys.argv) != 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    src, alerts, out = sys.argv[1:]
    with open(src) as f:
        cfg = json.load(f)
    cfg["sinks"] = [{"name": "alerts", "type": "file", "queue_max": 100000, "file": {"path": alerts}}]
    with open(out, "w") as f:
        json.dump(cfg, f, indent=1)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
