// SPDX-License-Identifier: GPL-2.0
#include "rules/glob_set.hpp"

#include "rules/path_match.hpp"

namespace procsentry::rules {

GlobSet::GlobSet(const std::vector<std::string>& patterns)
{
    for (const auto& p : patterns) {
        if (p.empty())
            continue;
        const auto wild = p.find_first_of("*?[\\");
        globs_.push_back({p, p.substr(0, wild == std::string::npos ? p.size() : wild)});
    }
}

bool GlobSet::any(std::string_view path) const
{
    if (globs_.empty())
        return false;
    const bool normal = is_normalized_path(path);
    for (const auto& g : globs_) {
        // Without FNM_CASEFOLD/FNM_NOESCAPE games, a match starts with the
        // pattern's literal prefix.  Paths in another form are left to
        // glob_match, which normalises them first.
        if (normal && !path.starts_with(g.prefix))
            continue;
        if (glob_match(g.pattern, path))
            return true;
    }
    return false;
}

}  // namespace procsentry::rules
