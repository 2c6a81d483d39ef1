// SPDX-License-Identifier: GPL-2.0
#include "proctable/cgroup_resolver.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string_view>
#include <utility>
#include <vector>

#include "proctable/container_pattern.hpp"
#include "abi/clock.hpp"

namespace procsentry::proctable {

namespace {

constexpr std::size_t max_path = 4096;

// Closes the descriptor whatever way the walk leaves a level.
class DirHandle {
public:
    explicit DirHandle(int fd) : dir_(fd >= 0 ? fdopendir(fd) : nullptr)
    {
        if (fd >= 0 && !dir_)
            close(fd);
    }
    ~DirHandle()
    {
        if (dir_)
            closedir(dir_);
    }
    DirHandle(const DirHandle&) = delete;
    DirHandle& operator=(const DirHandle&) = delete;
    DIR* get() const { return dir_; }

private:
    DIR* dir_;
};

}  // namespace

CgroupResolver::CgroupResolver(std::string cgroup_root, std::size_t max_entries, uint64_t min_walk_interval_ns)
    : root_(std::move(cgroup_root)), max_entries_(max_entries ? max_entries : 1),
      min_interval_ns_(min_walk_interval_ns)
{
}

std::string CgroupResolver::container_id_from_path(const std::string& path)
{
    if (path.size() > max_path)
        return {};
    // Split first: a "." or ".." anywhere means the path is not one the
    // kernel wrote (cgroup names cannot be either), so nothing is claimed.
    std::vector<std::string_view> comps;
    std::string_view rest(path);
    while (!rest.empty()) {
        const auto slash = rest.find('/');
        const std::string_view c = rest.substr(0, slash);
        if (c == "." || c == "..")
            return {};
        if (!c.empty())
            comps.push_back(c);
        if (slash == std::string_view::npos)
            break;
        rest.remove_prefix(slash + 1);
    }
    // Deepest match wins: the innermost container a process runs in.
    for (std::size_t i = comps.size(); i-- > 0;) {
        std::string id = container_id_of_component(comps[i], i ? comps[i - 1] : std::string_view());
        if (!id.empty())
            return id;
    }
    return {};
}

void CgroupResolver::insert(uint64_t id, std::string container)
{
    auto [it, added] = cache_.try_emplace(id, std::move(container));
    if (!added)
        return;
    order_.push_back(id);
    while (cache_.size() > max_entries_) {
        cache_.erase(order_.front());
        order_.pop_front();
        ++stats_.evicted;
    }
}

void CgroupResolver::note_path(uint64_t cgroup_id, const std::string& path)
{
    if (cgroup_id)
        insert(cgroup_id, container_id_from_path(path));
}

std::string CgroupResolver::container_id(uint64_t cgroup_id)
{
    if (!cgroup_id)
        return {};
    if (auto it = cache_.find(cgroup_id); it != cache_.end()) {
        ++stats_.hits;
        return it->second;
    }
    ++stats_.misses;
    const uint64_t now = abi::monotonic_ns();
    if (walked_ && now - last_walk_ns_ < min_interval_ns_) {
        ++stats_.rate_limited;
        return {};
    }
    walked_ = true;
    last_walk_ns_ = now;
    walk(cgroup_id);
    // Not found: a cgroup already gone, or not under this mount.  Its inode
    // number will not come back, so remembering "host" is safe.
    if (auto it = cache_.find(cgroup_id); it != cache_.end())
        return it->second;
    insert(cgroup_id, {});
    std::string id;
    return id;
}

void CgroupResolver::walk(uint64_t wanted)
{
    ++stats_.walks;
    const int fd = open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return;
    struct stat st{};
    if (fstat(fd, &st) != 0) {
        close(fd);
        return;
    }
    if (static_cast<uint64_t>(st.st_ino) == wanted || cache_.size() < max_entries_)
        insert(static_cast<uint64_t>(st.st_ino), {});  // the root cgroup: the host
    std::size_t budget = max_walk_dirs;
    wanted_ = wanted;
    walk_dir(fd, "", 0, static_cast<uint64_t>(st.st_dev), budget);
}

void CgroupResolver::walk_dir(int dirfd, const std::string& path, int depth, uint64_t dev, std::size_t& budget)
{
    const DirHandle dir(dirfd);
    if (!dir.get())
        return;
    if (depth >= max_walk_depth) {
        ++stats_.walk_truncated;
        return;
    }
    while (const dirent* de = readdir(dir.get())) {
        const std::string_view name(de->d_name);
        if (name == "." || name == ".." || (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN))
            continue;
        if (budget == 0) {
            ++stats_.walk_truncated;
            return;
        }
        --budget;
        const int fd = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            continue;  // removed meanwhile, or not a directory
        struct stat st{};
        // Another filesystem mounted inside is not part of the hierarchy.
        if (fstat(fd, &st) != 0 || static_cast<uint64_t>(st.st_dev) != dev) {
            close(fd);
            continue;
        }
        std::string sub = path + "/" + std::string(name);
        const auto ino = static_cast<uint64_t>(st.st_ino);
        std::string id = container_id_from_path(sub);
        // The wanted id always gets in; others only while there is room, so
        // one walk of a big hierarchy does not flush the cache.
        if (ino == wanted_ || cache_.size() < max_entries_)
            insert(ino, std::move(id));
        walk_dir(fd, sub, depth + 1, dev, budget);
    }
}

}  // namespace procsentry::proctable
