# SPDX-License-Identifier: GPL-2.0
"""unittest base: one Fleet (console + AGENTS enrolled, connected agents) per test class;
logs are printed and the temp dir kept when a test of the class failed; the console's and the
agents' exit codes are asserted at the end."""
import unittest

from fleet import Fleet


class FleetTestCase(unittest.TestCase):
    AGENTS = 3
    CONSOLE_EXTRA = None
    fleet = None

    @classmethod
    def setUpClass(cls):
        cls.fleet = Fleet(agents=cls.AGENTS, console_extra=cls.CONSOLE_EXTRA,
                          name=cls.__name__.lower())
        cls.admin = cls.fleet.admin
        cls.console = cls.fleet.console
        cls.agents = cls.fleet.agents

    @classmethod
    def tearDownClass(cls):
        if cls.fleet is not None:
            cls.fleet.close(check=True)

    def run(self, result=None):
        r = super().run(result)
        res = result or r
        if res is not None and (res.failures or res.errors) and self.fleet is not None:
            failed_here = any(t is self for t, _ in res.failures + res.errors)
            if failed_here:
                self.fleet.failed = True
        return r

    def hid(self, agent):
        return agent.host_id()
