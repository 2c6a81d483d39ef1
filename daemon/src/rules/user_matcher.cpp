// SPDX-License-Identifier: GPL-2.0
#include "rules/user_matcher.hpp"

#include <algorithm>
#include <charconv>

namespace procsentry::rules {

UserMatcher::UserMatcher(const std::vector<std::string>& entries)
{
    for (const auto& e : entries) {
        uint32_t uid = 0;
        const auto* end = e.data() + e.size();
        const auto r = std::from_chars(e.data(), end, uid);
        if (!e.empty() && r.ec == std::errc() && r.ptr == end)
            uids_.push_back(uid);
        else if (!e.empty())
            names_.push_back(e);
    }
}

bool UserMatcher::matches(uint32_t uid, const std::string& name, proctable::UserDb& users) const
{
    if (std::find(uids_.begin(), uids_.end(), uid) != uids_.end())
        return true;
    for (const auto& n : names_) {
        if (!name.empty() && n == name)
            return true;
        const auto u = users.uid_of(n);
        if (u && *u == uid)
            return true;
    }
    return false;
}

}  // namespace procsentry::rules
