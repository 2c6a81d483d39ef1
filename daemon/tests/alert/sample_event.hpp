// SPDX-License-Identifier: GPL-2.0
// Events as the Detector would make them, for the alert tests.
#pragma once

#include "rules/event.hpp"

namespace procsentry::alert::test {

inline abi::Creds user_creds(uint32_t uid)
{
    abi::Creds c;
    c.uid = c.suid = c.euid = c.fsuid = uid;
    c.gid = c.sgid = c.egid = c.fsgid = uid;
    return c;
}

inline rules::Event exec_event()
{
    rules::Event ev;
    ev.type = rules::RuleType::bin_execution;
    ev.outcome = rules::Outcome::success;
    ev.ts_ns = 5'000'000'000;
    auto& p = ev.proc;
    p.pid = 4243;
    p.tgid = 4242;
    p.ppid = 4000;
    p.start_ns = 4'999'000'000;
    p.exe = "/tmp/x/evil";
    p.exe_trusted = true;
    p.filename = "./evil";
    p.argv = {"./evil", "--flag", "value"};
    p.comm = "evil";
    p.cred = user_creds(1000);
    p.user = p.euser = p.group = "alice";
    p.loginuid = 1000;
    p.cgroup_id = 77;
    ev.parent_exe = "/bin/bash";
    ev.ancestry = {{4000, "/bin/bash", "bash", 1000, "alice"}, {1, "/lib/systemd/systemd", "systemd", 0, "root"}};
    ev.call = "execve";
    ev.techniques = {"T1204.002"};
    ev.exec_flags = {"interpreted"};
    return ev;
}

inline rules::Event setuid_refused_event()
{
    rules::Event ev = exec_event();
    ev.type = rules::RuleType::root_escalation;
    ev.outcome = rules::Outcome::failure;
    ev.call = "setuid";
    ev.call_args = {0};
    ev.error = 1;  // EPERM
    ev.cred_before = user_creds(1000);
    ev.techniques = {"T1548"};
    ev.exec_flags.clear();
    return ev;
}

inline rules::Event crash_event()
{
    rules::Event ev = exec_event();
    ev.type = rules::RuleType::termination_failure;
    ev.outcome = rules::Outcome::failure;
    ev.call.clear();
    ev.signal = 11;
    ev.core_dumped = true;
    ev.techniques.clear();
    ev.exec_flags.clear();
    return ev;
}

}  // namespace procsentry::alert::test
