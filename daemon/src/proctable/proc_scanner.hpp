// SPDX-License-Identifier: GPL-2.0
// Reads what /proc says about one process, for seeding the table at start.
// Each file is read once with a bounded size; a process that vanishes
// between reads (ENOENT, ESRCH, a short stat line) yields nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "proctable/process.hpp"

namespace procsentry::proctable {

struct ScannedProcess {
    Process proc;             // seeded = true, start_ns_approx = true
    std::string cgroup_path;  // from the "0::" line of /proc/<pid>/cgroup ("" none)
};

class ProcScanner {
public:
    ProcScanner(std::string proc_root, std::string cgroup_root, std::size_t max_argv_bytes);

    std::vector<uint32_t> list_pids() const;  // numeric entries of proc_root
    std::optional<ScannedProcess> scan(uint32_t pid) const;

    uint64_t tick_ns() const { return tick_ns_; }
    // /proc/<pid>/stat starttime (USER_HZ ticks since boot) as boottime ns:
    // the start of the tick in which the process started.
    uint64_t ticks_to_ns(uint64_t ticks) const;

private:
    bool read_stat(const std::string& dir, Process& p) const;
    bool read_status(const std::string& dir, Process& p) const;
    void read_exe(const std::string& dir, Process& p) const;
    void read_cmdline(const std::string& dir, Process& p) const;
    void read_loginuid(const std::string& dir, Process& p) const;
    void read_cgroup(const std::string& dir, ScannedProcess& s) const;

    std::string proc_root_, cgroup_root_;
    std::size_t max_argv_bytes_;
    uint64_t ticks_per_sec_;
    uint64_t tick_ns_;
};

}  // namespace procsentry::proctable
