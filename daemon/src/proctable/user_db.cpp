// SPDX-License-Identifier: GPL-2.0
#include "proctable/user_db.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <utility>
#include <vector>

#include "abi/clock.hpp"

namespace procsentry::proctable {

namespace {

constexpr std::size_t max_name = 256;
constexpr std::size_t max_line = 64 * 1024;

std::optional<uint32_t> parse_id(std::string_view s)
{
    uint32_t v = 0;
    if (s.empty() || s.size() > 10)
        return std::nullopt;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size())
        return std::nullopt;
    return v;
}

// name:passwd:id:... -> (name, id); both files put the id third.
std::optional<std::pair<std::string_view, uint32_t>> parse_line(std::string_view line)
{
    if (line.empty() || line.front() == '#' || line.front() == '+' || line.front() == '-')
        return std::nullopt;
    const auto c1 = line.find(':');
    if (c1 == 0 || c1 == std::string_view::npos || c1 > max_name)
        return std::nullopt;
    const auto c2 = line.find(':', c1 + 1);
    if (c2 == std::string_view::npos)
        return std::nullopt;
    const auto c3 = line.find(':', c2 + 1);
    if (c3 == std::string_view::npos)
        return std::nullopt;  // the id must be followed by more fields
    const auto id = parse_id(line.substr(c2 + 1, c3 - c2 - 1));
    if (!id)
        return std::nullopt;
    return std::make_pair(line.substr(0, c1), *id);
}

// mtime, size and inode folded into one value: a change of any is a change.
int64_t stamp_of(const struct stat& st)
{
    uint64_t h = static_cast<uint64_t>(st.st_mtim.tv_sec) * 1'000'000'000ull +
                 static_cast<uint64_t>(st.st_mtim.tv_nsec);
    h = h * 1099511628211ull ^ static_cast<uint64_t>(st.st_size);
    h = h * 1099511628211ull ^ static_cast<uint64_t>(st.st_ino);
    return static_cast<int64_t>(h & 0x7fffffffffffffffull);
}

}  // namespace

UserDb::UserDb(std::string passwd, std::string group, uint64_t check_interval_ns)
    : passwd_path_(std::move(passwd)), group_path_(std::move(group)), check_interval_ns_(check_interval_ns)
{
}

bool UserDb::reload(const std::string& path, int64_t& stamp, bool is_group)
{
    struct stat st{};
    if (stat(path.c_str(), &st) != 0) {
        last_error_ = path + ": " + std::strerror(errno);
        return false;
    }
    const int64_t now_stamp = stamp_of(st);
    if (now_stamp == stamp)
        return true;
    std::ifstream in(path);
    if (!in) {
        last_error_ = path + ": " + std::strerror(errno);
        return false;
    }
    std::unordered_map<uint32_t, std::string> by_id;
    std::unordered_map<std::string, uint32_t> by_name;
    std::string line;
    while (std::getline(in, line)) {
        if (line.size() > max_line) {
            ++malformed_;
            continue;
        }
        if (line.empty() || line.front() == '#')
            continue;
        const auto entry = parse_line(line);
        if (!entry) {
            ++malformed_;
            continue;
        }
        by_id.try_emplace(entry->second, entry->first);
        if (!is_group)
            by_name.try_emplace(std::string(entry->first), entry->second);
    }
    if (in.bad()) {
        last_error_ = path + ": read error";
        return false;
    }
    if (is_group) {
        groups_ = std::move(by_id);
    } else {
        users_ = std::move(by_id);
        uids_ = std::move(by_name);
    }
    stamp = now_stamp;
    ++loads_;
    return true;
}

void UserDb::refresh()
{
    const auto now = static_cast<int64_t>(abi::monotonic_ns());
    if (checked_once_ && static_cast<uint64_t>(now - checked_ns_) < check_interval_ns_)
        return;
    checked_once_ = true;
    checked_ns_ = now;
    const bool ok_p = reload(passwd_path_, passwd_stamp_, false);
    const bool ok_g = reload(group_path_, group_stamp_, true);
    if (ok_p && ok_g)
        last_error_.clear();
}

std::string UserDb::user_name(uint32_t uid)
{
    refresh();
    const auto it = users_.find(uid);
    return it == users_.end() ? std::string() : it->second;
}

std::string UserDb::group_name(uint32_t gid)
{
    refresh();
    const auto it = groups_.find(gid);
    return it == groups_.end() ? std::string() : it->second;
}

std::optional<uint32_t> UserDb::uid_of(std::string_view name)
{
    refresh();
    if (const auto it = uids_.find(std::string(name)); it != uids_.end())
        return it->second;
    return parse_id(name);
}

}  // namespace procsentry::proctable
