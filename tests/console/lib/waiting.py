# SPDX-License-Identifier: GPL-2.0
"""Waits with deadlines: poll a condition until it holds or the deadline passes."""
import time


class WaitTimeout(AssertionError):
    pass


def wait_until(fn, timeout=20.0, interval=0.05, what=None):
    """Calls fn() until it returns something truthy (returned); raises WaitTimeout naming
    ``what`` and the last value or exception otherwise."""
    deadline = time.monotonic() + timeout
    last, err = None, None
    while True:
        try:
            last = fn()
            err = None
            if last:
                return last
        except (OSError, AssertionError, KeyError, ValueError) as e:  # not there yet
            err = e
        if time.monotonic() >= deadline:
            raise WaitTimeout("timed out after %.1f s waiting for %s (last: %r%s)" % (
                timeout, what or getattr(fn, "__name__", "condition"), last,
                ", error: %r" % err if err else ""))
        time.sleep(interval)
