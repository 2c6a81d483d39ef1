// SPDX-License-Identifier: GPL-2.0
// cgroup v2 id (the kernel's cgroup inode number, as records carry it) ->
// container id.  The id is found by walking the cgroup2 mount for a directory
// with that inode; the container id is taken from the path (docker, containerd,
// cri-o, podman/libpod, lxc).  Results (including "not a container") are
// cached, bounded; unknown ids trigger at most one walk per second.
#pragma once

#include <cstdint>
#include <string>

namespace procsentry::proctable {

class CgroupResolver {
public:
    explicit CgroupResolver(std::string cgroup_root = "/sys/fs/cgroup", std::size_t max_entries = 8192);
    virtual ~CgroupResolver() = default;
    virtual std::string container_id(uint64_t cgroup_id);  // "" = host or unknown
    // Exposed for tests: the container id a cgroup path names ("" if none).
    static std::string container_id_from_path(const std::string& path);
};

}  // namespace procsentry::proctable
