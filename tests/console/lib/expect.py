# SPDX-License-Identifier: GPL-2.0
"""Expected alerts of the recorded fixtures (tests/console/records/expected.json)."""
import json
import os

from fleet import RECORDS, fixture


def load_expected():
    with open(os.path.join(RECORDS, "expected.json")) as f:
        return {k: v for k, v in json.load(f).items() if not k.startswith("_")}


EXPECTED = load_expected()
ALERTING = [k for k, v in EXPECTED.items() if v["alert"] is not None]


def _subst(v, pid, ppid):
    if isinstance(v, dict):
        return {k: _subst(x, pid, ppid) for k, x in v.items()}
    if isinstance(v, list):
        return [_subst(x, pid, ppid) for x in v]
    if v == "$pid":
        return pid
    if v == "$ppid":
        return ppid
    if isinstance(v, str):
        return v.replace("$pid", str(pid))
    return v


def expected_for(name, mapping):
    """(alert subset, incident subset) of fixture ``name`` after a feed with ``mapping``."""
    e = EXPECTED[name]
    pid, ppid = mapping.get(e["root_pid"]), mapping.get(e["parent_pid"])
    return _subst(e["alert"], pid, ppid), _subst(e["incident"], pid, ppid)


def subset_mismatches(expected, actual, path=""):
    """Keys of ``expected`` whose values differ in ``actual`` (recursively for objects)."""
    out = []
    if isinstance(expected, dict) and isinstance(actual, dict):
        for k, v in expected.items():
            if k not in actual:
                out.append("%s%s: missing" % (path, k))
            else:
                out += subset_mismatches(v, actual[k], "%s%s." % (path, k))
    elif expected != actual:
        out.append("%s: expected %r, got %r" % (path.rstrip("."), expected, actual))
    return out


def feed_and_expect(agent, name):
    """Feeds fixture ``name`` to ``agent``; returns (pid, alert subset, incident subset)."""
    mapping, _ = agent.feed(fixture(name))
    a, i = expected_for(name, mapping)
    return mapping[EXPECTED[name]["root_pid"]], a, i
