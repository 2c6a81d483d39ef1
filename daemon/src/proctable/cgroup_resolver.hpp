// SPDX-License-Identifier: GPL-2.0
// cgroup v2 id (the kernel's cgroup inode number, as records carry it) ->
// container id.  The id is found by walking the cgroup2 mount for a directory
// with that inode; the container id is taken from the path (docker, containerd,
// cri-o, podman/libpod, lxc).  Results (including "not a container") are
// cached, bounded; unknown ids trigger at most one walk per second.
//
// One walk caches every directory it meets (up to the bound), so a burst of
// new ids costs one walk.  An id not found by a walk is cached as "host":
// kernfs never reuses an inode number on 64-bit kernels, so it will not
// appear later.  A rate-limited miss is not cached (asked again later).
// Not thread-safe: owned by the event loop.
//
// Trust: the id is what the cgroup's name says.  Names under a delegated
// subtree (rootless podman under user@UID.service) are chosen by that user,
// so a container id there is a claim, not a fact.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>

namespace procsentry::proctable {

struct CgroupStats {
    uint64_t hits = 0, misses = 0;
    uint64_t walks = 0, rate_limited = 0;
    uint64_t walk_truncated = 0;  // a walk stopped at max_walk_dirs or depth
    uint64_t evicted = 0;
};

class CgroupResolver {
public:
    explicit CgroupResolver(std::string cgroup_root = "/sys/fs/cgroup", std::size_t max_entries = 8192,
                            uint64_t min_walk_interval_ns = 1'000'000'000ull);
    virtual ~CgroupResolver() = default;
    virtual std::string container_id(uint64_t cgroup_id);  // "" = host or unknown
    // The table learnt id -> path elsewhere (seeding read /proc/<pid>/cgroup):
    // caches it without a walk.
    virtual void note_path(uint64_t cgroup_id, const std::string& path);
    // Exposed for tests: the container id a cgroup path names ("" if none).
    static std::string container_id_from_path(const std::string& path);

    const CgroupStats& stats() const { return stats_; }
    std::size_t cached() const { return cache_.size(); }

    static constexpr std::size_t max_walk_dirs = 100000;
    static constexpr int max_walk_depth = 32;

private:
    void walk(uint64_t wanted);
    void walk_dir(int dirfd, const std::string& path, int depth, uint64_t dev, std::size_t& budget);
    void insert(uint64_t id, std::string container);
    uint64_t wanted_ = 0;

    std::string root_;
    std::size_t max_entries_;
    uint64_t min_interval_ns_;
    uint64_t last_walk_ns_ = 0;
    bool walked_ = false;
    std::unordered_map<uint64_t, std::string> cache_;
    std::deque<uint64_t> order_;  // insertion order, for FIFO eviction
    CgroupStats stats_;
};

}  // namespace procsentry::proctable
