#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Runs the browser tests (tests/console/browser/test_*.py) in headless Chromium.

    run.py [-k PATTERN] [-v]

Needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver), the
console and daemon binaries (PROCSENTRY_CONSOLE, PROCSENTRY_DAEMON_DIR: tests/console/lib/fleet.py).
Screenshots: PROCSENTRY_BROWSER_OUT, default $BUILD/console-tests/browser."""
import argparse
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)

import fleet  # noqa: E402
import webdriver  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("-k", action="append", dest="patterns")
    p.add_argument("-v", action="store_true")
    a = p.parse_args()
    console, daemon_dir = fleet.binaries()
    for path in (console, os.path.join(daemon_dir, "procsentryd"),
                 os.path.join(daemon_dir, "procsentryctl"), webdriver.CHROMIUM,
                 webdriver.CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            sys.exit("run.py: %s missing (make console daemon; apt-get install chromium "
                     "chromium-driver)" % path)
    loader = unittest.TestLoader()
    if a.patterns:
        loader.testNamePatterns = ["*%s*" % k for k in a.patterns]
    suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    r = unittest.TextTestRunner(verbosity=2 if a.v else 1, stream=sys.stdout).run(suite)
    print("browser: %d run, %d failures, %d errors, %d skipped" % (
        r.testsRun, len(r.failures), len(r.errors), len(r.skipped)))
    return 0 if r.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
