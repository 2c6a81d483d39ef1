// SPDX-License-Identifier: GPL-2.0
// What the daemon knows about one live process (a thread group).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace procsentry::proctable {

struct Process {
    uint32_t tgid = 0;
    uint32_t ppid = 0;
    uint64_t start_ns = 0;     // boottime ns of the leader's start: (tgid, start_ns) is the identity
    std::string exe;           // resolved path of the current image ("" unknown)
    bool exe_trusted = false;  // see rules::ProcessInfo::exe_trusted
    std::string filename;      // as given to the last execve
    std::vector<std::string> argv;  // bounded (Options::max_argv_bytes)
    bool argv_truncated = false;
    std::string comm;
    uint32_t uid = 0, euid = 0, gid = 0, egid = 0;
    uint32_t loginuid = 0xffffffffu;
    uint64_t cgroup_id = 0;
    std::string container_id;  // "" = host
    bool seeded = false;       // known only from the /proc scan at start
    uint64_t last_exec_ns = 0;
};

}  // namespace procsentry::proctable
