// SPDX-License-Identifier: GPL-2.0
// uid/gid -> name, read from passwd/group files directly (not NSS: a lookup
// must never block the event loop on a directory service).  Files are
// re-read when their mtime or size changes, at most once per second.
//
// Malformed lines (too few fields, empty name, a non-decimal or out of
// range id, NIS "+"/"-" entries, comments) are skipped and counted; the
// first line for an id or a name wins, as with getpwuid/getpwnam.  A file
// that cannot be read keeps the names last read from it (an editor's
// rename leaves a moment without the file); last_error() says why.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace procsentry::proctable {

class UserDb {
public:
    explicit UserDb(std::string passwd = "/etc/passwd", std::string group = "/etc/group",
                    uint64_t check_interval_ns = 1'000'000'000ull);
    std::string user_name(uint32_t uid);    // "" when unknown
    std::string group_name(uint32_t gid);   // "" when unknown
    std::optional<uint32_t> uid_of(std::string_view name);  // name or decimal uid (a name wins)

    const std::string& last_error() const { return last_error_; }  // "" when the last reads worked
    uint64_t malformed_lines() const { return malformed_; }
    uint64_t loads() const { return loads_; }

private:
    void refresh();
    // Re-reads path when its stamp changed; false (maps kept) if unreadable.
    bool reload(const std::string& path, int64_t& stamp, bool is_group);
    std::string passwd_path_, group_path_;
    std::unordered_map<uint32_t, std::string> users_, groups_;
    std::unordered_map<std::string, uint32_t> uids_;
    int64_t passwd_stamp_ = -1, group_stamp_ = -1, checked_ns_ = 0;
    uint64_t check_interval_ns_;
    bool checked_once_ = false;
    std::string last_error_;
    uint64_t malformed_ = 0, loads_ = 0;
};

}  // namespace procsentry::proctable
