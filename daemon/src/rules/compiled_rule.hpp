// SPDX-License-Identifier: GPL-2.0
// A Rule in the form evaluated per event: glob patterns kept as C strings
// for fnmatch, user lists split into uids and names, skips precomputed.
#pragma once

#include <string>
#include <vector>

#include "proctable/user_db.hpp"
#include "rules/config.hpp"
#include "rules/event.hpp"
#include "rules/glob_set.hpp"
#include "rules/skip_matcher.hpp"
#include "rules/user_matcher.hpp"

namespace procsentry::rules {

class CompiledRule {
public:
    explicit CompiledRule(const Rule& rule);
    const Rule& rule() const { return *rule_; }
    Severity severity(Outcome o) const { return o == Outcome::success ? rule_->on_success : rule_->on_failure; }
    // The rule's filters (exe, users, parent_exe) accept the event.
    bool matches(const Event& ev, proctable::UserDb& users) const;
    bool skips(const Event& ev, proctable::UserDb& users) const { return skip_.skips(ev, users); }

private:
    // An unknown path ("") never matches a non-empty glob list.
    static bool any_glob(const GlobSet& globs, const std::string& path);

    const Rule* rule_;
    GlobSet exe_;
    GlobSet parent_exe_;
    UserMatcher users_;
    SkipMatcher skip_;
};

}  // namespace procsentry::rules
