#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Runs the console API suite (tests/console/api/test_*.py).

    run.py [--store sqlite|postgresql] [-k PATTERN] [-v]

--store postgresql starts a throwaway cluster (tests/console/lib/pgcluster.py) and gives every
test fleet its own database in it.  Binaries: PROCSENTRY_CONSOLE, PROCSENTRY_DAEMON_DIR (see
tests/console/lib/fleet.py).
"""
import argparse
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)

import fleet  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    p.add_argument("-k", action="append", dest="patterns")
    p.add_argument("-v", action="store_true")
    a = p.parse_args()
    console, daemon_dir = fleet.binaries()
    for path in (console, os.path.join(daemon_dir, "procsentryd"),
                 os.path.join(daemon_dir, "procsentryctl")):
        if not os.access(path, os.X_OK):
            sys.exit("run.py: %s missing (make console daemon)" % path)
    cluster = None
    if a.store == "postgresql":
        from pgcluster import PgCluster
        cluster = PgCluster()
        fleet.PG_CLUSTER = cluster
    try:
        loader = unittest.TestLoader()
        if a.patterns:
            loader.testNamePatterns = ["*%s*" % k for k in a.patterns]
        suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
        print("console API suite, store %s" % a.store, flush=True)
        r = unittest.TextTestRunner(verbosity=2 if a.v else 1, stream=sys.stdout).run(suite)
        print("%s: %d run, %d failures, %d errors, %d skipped" % (
            a.store, r.testsRun, len(r.failures), len(r.errors), len(r.skipped)))
        return 0 if r.wasSuccessful() else 1
    finally:
        if cluster:
            cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
