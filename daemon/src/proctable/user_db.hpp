// SPDX-License-Identifier: GPL-2.0
// uid/gid -> name, read from passwd/group files directly (not NSS: a lookup
// must never block the event loop on a directory service).  Files are
// re-read when their mtime or size changes, at most once per second.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace procsentry::proctable {

class UserDb {
public:
    explicit UserDb(std::string passwd = "/etc/passwd", std::string group = "/etc/group");
    std::string user_name(uint32_t uid);    // "" when unknown
    std::string group_name(uint32_t gid);   // "" when unknown
    std::optional<uint32_t> uid_of(std::string_view name);  // name or decimal uid

private:
    void refresh();
    std::string passwd_path_, group_path_;
    std::unordered_map<uint32_t, std::string> users_, groups_;
    std::unordered_map<std::string, uint32_t> uids_;
    int64_t passwd_stamp_ = -1, group_stamp_ = -1, checked_ns_ = 0;
};

}  // namespace procsentry::proctable
