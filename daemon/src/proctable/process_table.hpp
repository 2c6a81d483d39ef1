// SPDX-License-Identifier: GPL-2.0
// The daemon's view of live processes: seeded from /proc at start, then kept
// by FORK/EXEC/CRED_CHANGE/EXIT records.  Bounded: past max_processes the
// least recently active entries are evicted (counted).  PID reuse: a record
// whose start_ns differs from the entry's replaces the entry.
//
// Not thread-safe: one event loop owns it.  Pointers returned by find() and
// ancestry() stay valid until the next non-const call.  No /proc access
// after seed_from_proc(): the record handlers are a hash lookup, a few
// copies and an O(1) LRU move.
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
    uint64_t creds = 0;
    uint64_t stale_replaced = 0;  // CRED/EXIT found an entry of an older process (its EXIT was lost)
    uint64_t seed_skipped = 0;    // /proc entries that vanished or could not be read mid-scan
};

class ProcessTable {
public:
    struct Options {
        std::size_t max_processes = 65536;
        std::size_t max_argv_bytes = 4096;
        std::string proc_root = "/proc";
        // Where the cgroup2 hierarchy is mounted: seeding stats
        // <cgroup_root>/<path from /proc/<pid>/cgroup "0::"> for the cgroup id.
        std::string cgroup_root = "/sys/fs/cgroup";
    };

    // resolver may be null (no container ids).
    ProcessTable(const Options& opts, std::shared_ptr<CgroupResolver> resolver);
    ~ProcessTable();

    // Reads every /proc/<pid> (exe, cmdline, status, stat start time,
    // cgroup).  Entries are marked seeded.  Returns how many were added.
    // Processes that vanish mid-read and zombies are skipped (counted in
    // seed_skipped); an entry already matching by identity is kept (records
    // know more).  /proc gives start_ns to a USER_HZ tick only: see
    // Process::start_ns_approx.  A seeded script shows its interpreter as
    // exe (that is what /proc/<pid>/exe says), unlike exec records.
    std::size_t seed_from_proc();

    // The child gets the creator's image (creator_tgid, which differs from
    // task.ppid with CLONE_PARENT) and its own ids from the record.
    void on_fork(const abi::Fork& f);
    // exe = the record's path (the script for #!, see Process::exe);
    // exe_trusted per exec_trust.hpp.  ts_ns (the record header's time)
    // becomes Process::last_exec_ns.
    void on_exec(const abi::Exec& e, uint64_t ts_ns = 0);
    void on_cred(const abi::CredChange& c);
    void on_exit(const abi::Exit& x);  // removes the entry
    // Dispatches FORK/EXEC/CRED_CHANGE/EXIT; other records are ignored.
    void apply(const abi::Record& rec);

    // start_ns == 0: whatever entry has this tgid.
    const Process* find(uint32_t tgid, uint64_t start_ns = 0) const;
    // Parent first, at most depth entries; stops at pid 0/1 or an unknown parent.
    std::vector<const Process*> ancestry(uint32_t tgid, std::size_t depth) const;

    std::size_t size() const;
    const TableStats& stats() const;
    void set_max_processes(std::size_t n);  // evicts at once if needed; 0 is taken as 1
    // Rough heap use of the entries (walks the table: for status, not per record).
    std::size_t memory_estimate() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace procsentry::proctable
