// SPDX-License-Identifier: GPL-2.0
// One security-relevant thing that happened, derived from kernel records and
// the process table by the Detector, before any rule looks at it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "abi/record.hpp"
#include "rules/types.hpp"

namespace procsentry::rules {

struct ProcessInfo {
    uint32_t pid = 0;   // thread that acted
    uint32_t tgid = 0;  // process id
    uint32_t ppid = 0;
    uint64_t start_ns = 0;
    // Resolved path of the executable (the new one for an exec).  Empty when
    // unknown.  exe_trusted is false when the kernel flagged the path as
    // unreliable (memfd, deleted, chroot, interpreted, path error) or /proc
    // showed a deleted image: such a path never satisfies a skip.
    std::string exe;
    bool exe_trusted = false;
    // The kernel could not resolve the path of the new program (PATH_ERR:
    // longer than PATH_MAX, which only a deliberately deep directory makes).
    // exe is then "", and an exe filter cannot rule the program out.
    bool exe_unresolvable = false;
    std::string filename;  // as given to execve (exec events)
    std::vector<std::string> argv;
    bool argv_truncated = false;
    std::string comm;  // untrusted, informational only
    abi::Creds cred;   // credentials when the event happened (after, for changes)
    std::string user;  // name of cred.uid ("" unknown)
    std::string euser; // name of cred.euid
    std::string group; // name of cred.gid
    uint32_t loginuid = 0xffffffffu;
    uint64_t cgroup_id = 0;
    std::string container_id;  // "" = host
};

struct AncestorInfo {
    uint32_t pid = 0;
    std::string exe;
    std::string comm;
    uint32_t uid = 0;
    std::string user;
};

struct Event {
    RuleType type = RuleType::bin_execution;
    Outcome outcome = Outcome::success;
    uint64_t ts_ns = 0;      // record time, CLOCK_BOOTTIME ns
    ProcessInfo proc;
    std::string parent_exe;  // for match.parent_exe ("" unknown)
    std::vector<AncestorInfo> ancestry;  // parent first
    std::optional<abi::Creds> cred_before;
    std::optional<abi::Creds> cred_after;
    int32_t error = 0;       // positive errno of a failed exec or set*id call
    std::string call;        // "execve", "setuid", "commit_creds", ...
    std::vector<uint32_t> call_args;
    std::optional<int32_t> exit_status;  // ended by itself
    uint32_t signal = 0;
    bool core_dumped = false;
    std::string reason;      // detector's short explanation ("set-user-ID root program")
    std::vector<std::string> techniques;  // MITRE ATT&CK ids
    std::vector<std::string> exec_flags;  // names of the exec record's flags
    // Made without the parts only an alert needs (argv, ancestry, flag
    // names): Detector::complete() adds them once a rule matched.  Most
    // execs match nothing, and those parts are most of an event's cost.
    bool detail_pending = false;
};

}  // namespace procsentry::rules
