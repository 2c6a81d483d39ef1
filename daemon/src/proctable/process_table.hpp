// SPDX-License-Identifier: GPL-2.0
// The daemon's view of live processes: seeded from /proc at start, then kept
// by FORK/EXEC/CRED_CHANGE/EXIT records.  Bounded: past max_processes the
// least recently active entries are evicted (counted).  PID reuse: a record
// whose start_ns differs from the entry's replaces the entry.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "abi/record.hpp"
#include "proctable/process.hpp"

namespace procsentry::proctable {

class UserDb;
class CgroupResolver;

struct TableStats {
    uint64_t seeded = 0;
    uint64_t forks = 0, execs = 0, exits = 0;
    uint64_t evicted = 0;       // dropped to stay within max_processes
    uint64_t pid_reuse = 0;     // entry replaced because start_ns changed
    uint64_t unknown_exits = 0; // EXIT for a process never seen
};

class ProcessTable {
public:
    struct Options {
        std::size_t max_processes = 65536;
        std::size_t max_argv_bytes = 4096;
        std::string proc_root = "/proc";
    };

    // resolver may be null (no container ids).
    ProcessTable(const Options& opts, std::shared_ptr<CgroupResolver> resolver);
    ~ProcessTable();

    // Reads every /proc/<pid> (exe, cmdline, status, stat start time,
    // cgroup).  Entries are marked seeded.  Returns how many were added.
    std::size_t seed_from_proc();

    void on_fork(const abi::Fork& f);
    void on_exec(const abi::Exec& e);
    void on_cred(const abi::CredChange& c);
    void on_exit(const abi::Exit& x);  // removes the entry

    // start_ns == 0: whatever entry has this tgid.
    const Process* find(uint32_t tgid, uint64_t start_ns = 0) const;
    // Parent first, at most depth entries; stops at pid 0/1 or an unknown parent.
    std::vector<const Process*> ancestry(uint32_t tgid, std::size_t depth) const;

    std::size_t size() const;
    const TableStats& stats() const;
    void set_max_processes(std::size_t n);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace procsentry::proctable
