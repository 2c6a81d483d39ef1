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
    // Seeded entries only know start_ns to a clock tick (/proc/<pid>/stat
    // field 22 is in USER_HZ ticks, floored): start_ns is then the start of
    // that tick and a record's exact value anywhere in
    // [start_ns, start_ns + tick) is the same process.  The first record
    // about it replaces the approximation with the exact value.
    bool start_ns_approx = false;
    // Resolved path of the current image ("" unknown).  For a #! script
    // (EXEC flag SCRIPT) this is the script's resolved path, as the kernel
    // reports it: that is the file the caller ran and the one skip lists
    // name (/usr/bin/foo being a shell script must be skippable as
    // /usr/bin/foo); the binary running it is interp_path.
    std::string exe;
    bool exe_trusted = false;  // see rules::ProcessInfo::exe_trusted
    std::string interp_path;   // #! scripts: resolved interpreter binary ("" otherwise)
    std::string filename;      // as given to the last execve
    std::vector<std::string> argv;  // bounded (Options::max_argv_bytes)
    bool argv_truncated = false;
    std::string comm;
    uint32_t uid = 0, euid = 0, gid = 0, egid = 0;
    uint32_t loginuid = 0xffffffffu;
    uint64_t cgroup_id = 0;
    std::string container_id;  // "" = host
    // The image (exe, argv) is known only from the /proc scan at start: set
    // on seeded entries and on children forked from them, cleared by exec.
    bool seeded = false;
    uint64_t last_exec_ns = 0;  // record time of the last exec (0 unknown)
};

}  // namespace procsentry::proctable
