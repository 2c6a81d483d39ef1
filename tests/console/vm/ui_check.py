#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The QEMU guest's incident in the Runtime Incidents view: headless Chromium (the browser tests'
WebDriver client, tests/console/browser/webdriver.py) logs in as admin and waits until the
incidents table shows a row of that host with that rule and executable.  A screenshot goes to
--shot.  Exit status 0 when the row is there, 1 otherwise."""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "browser"))

from webdriver import Browser, WebDriverError  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", required=True)
    p.add_argument("--ca", help="unused: the browser accepts the test CA's certificate")
    p.add_argument("--password-file", required=True)
    p.add_argument("--host-name", required=True)
    p.add_argument("--rule", required=True)
    p.add_argument("--exe", required=True)
    p.add_argument("--shot", default=None)
    p.add_argument("--timeout", type=float, default=60)
    args = p.parse_args()
    with open(args.password_file, encoding="utf-8") as f:
        password = f.read().strip()

    b = Browser(1366, 768)
    try:
        b.get(args.url.rstrip("/") + "/")
        form = b.wait_find("#login-form", 30)
        form.find("input[name=username]").clear().send_keys("admin")
        form.find("input[name=password]").clear().send_keys(password)
        form.find("button[type=submit]").click()
        b.wait_find("#incidents-table", 30)
        b.set_hash("#/incidents")

        def row():
            rows = b.execute("""
                return [...document.querySelectorAll('#incidents-table tbody tr[data-id]')].map(
                  (tr) => ({id: Number(tr.dataset.id),
                            host: (tr.querySelector('.col-host') || {}).textContent || '',
                            rule: (tr.querySelector('.col-rule') || {}).textContent || '',
                            cmd: (tr.querySelector('.col-cmd') || {}).textContent || ''}));""")
            return [r for r in rows if r["host"].strip() == args.host_name
                    and args.rule in r["rule"] and args.exe in r["cmd"]]

        found = b.wait(row, args.timeout, "a row of %s, %s, %s" % (args.host_name, args.rule, args.exe))
        if args.shot:
            b.screenshot(args.shot)
        print("ui_check: the Runtime Incidents view shows incident %d: host %s, rule %s, command %s"
              % (found[0]["id"], found[0]["host"].strip(), found[0]["rule"].strip(),
                 found[0]["cmd"].strip()))
        return 0
    except WebDriverError as e:
        if args.shot:
            try:
                b.screenshot(args.shot)
            except (OSError, WebDriverError):
                pass
        print("ui_check: FAILED: %s" % e, file=sys.stderr)
        return 1
    finally:
        b.quit()


if __name__ == "__main__":
    sys.exit(main())
