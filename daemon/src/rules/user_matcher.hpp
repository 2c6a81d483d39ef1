// SPDX-License-Identifier: GPL-2.0
// A list of user names or decimal uids, matched against a real uid.  Names
// are resolved at match time (passwd may change while the daemon runs) and
// compared by uid, so an alias sharing a uid ("toor") matches as well.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "proctable/user_db.hpp"

namespace procsentry::rules {

class UserMatcher {
public:
    UserMatcher() = default;
    explicit UserMatcher(const std::vector<std::string>& entries);
    bool empty() const { return uids_.empty() && names_.empty(); }
    // name: what the user database calls uid ("" unknown).
    bool matches(uint32_t uid, const std::string& name, proctable::UserDb& users) const;

private:
    std::vector<uint32_t> uids_;
    std::vector<std::string> names_;
};

}  // namespace procsentry::rules
