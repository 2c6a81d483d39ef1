// SPDX-License-Identifier: GPL-2.0
// One skip list (global or a rule's), precomputed.  Command and path skips
// look only at a trusted resolved executable path: never at comm (any
// process can rename itself) nor at a filename as given.  User skips look
// at the real uid, which the kernel reports and nobody can forge.
#pragma once

#include <string>
#include <vector>

#include "proctable/user_db.hpp"
#include "rules/config.hpp"
#include "rules/event.hpp"
#include "rules/user_matcher.hpp"

namespace procsentry::rules {

class SkipMatcher {
public:
    SkipMatcher() = default;
    explicit SkipMatcher(const SkipSpec& spec);
    bool empty() const { return basenames_.empty() && exact_.empty() && dirs_.empty() && users_.empty(); }
    bool skips(const Event& ev, proctable::UserDb& users) const;

private:
    bool skips_exe(const ProcessInfo& p) const;

    std::vector<std::string> basenames_;  // skip_commands without '/'
    std::vector<std::string> exact_;      // absolute skip_commands
    std::vector<std::string> dirs_;       // skip_paths
    UserMatcher users_;
};

}  // namespace procsentry::rules
