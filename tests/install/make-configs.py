#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Configurations the install test's guest switches to, made on the host from the installed
default (the guest has no JSON tool):

  conf-rule.json     the default plus a bin-execution rule 'install-check-reload' for
                     /usr/local/bin/psi-reload-marker* (high), which the default does not alert on
  conf-invalid.json  conf-rule.json cut short: a reload must refuse it and keep conf-rule.json
  conf-http.json     conf-rule.json plus an http sink to a closed local port, so every alert is
                     spooled under /var/lib/procsentry/spool/collector/

usage: make-configs.py <installed procsentry.json> <output dir>
"""
import json
import os
import sys


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, 0o644)


def main():
    src, out = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8") as f:
        conf = json.load(f)
    conf["rules"].append({
        "name": "install-check-reload",
        "description": "install test: a rule added by a reload",
        "type": "bin-execution",
        "enabled": True,
        "severity": {"success": "high", "failure": "medium"},
        "match": {"exe": ["/usr/local/bin/psi-reload-marker*"]},
    })
    rule = json.dumps(conf, indent=2) + "\n"
    write(os.path.join(out, "conf-rule.json"), rule)
    write(os.path.join(out, "conf-invalid.json"), rule[: len(rule) // 2])
    conf["sinks"].append({
        "name": "collector",
        "type": "http",
        "min_severity": "info",
        # Port 9 (discard) on loopback: nothing listens, every attempt is refused at once.
        "http": {"url": "http://127.0.0.1:9/ingest", "batch_ms": 100, "retry_max_ms": 2000},
    })
    write(os.path.join(out, "conf-http.json"), json.dumps(conf, indent=2) + "\n")


if __name__ == "__main__":
    main()
