// SPDX-License-Identifier: GPL-2.0
#include "rules/compiled_rule.hpp"

#include <fnmatch.h>

#include "rules/path_match.hpp"

namespace procsentry::rules {

CompiledRule::CompiledRule(const Rule& rule)
    : rule_(&rule), exe_(rule.match.exe), parent_exe_(rule.match.parent_exe), users_(rule.match.users),
      skip_(rule.skip)
{
}

bool CompiledRule::any_glob(const std::vector<std::string>& globs, const std::string& path)
{
    if (globs.empty())
        return true;
    if (path.empty() || path.find('\0') != std::string::npos)
        return false;
    // Kernel paths are already in normal form: fnmatch on them directly,
    // without the copy glob_match() makes to normalise.
    const bool direct = is_normalized_path(path);
    for (const auto& g : globs) {
        if (g.empty())
            continue;
        if (direct ? fnmatch(g.c_str(), path.c_str(), FNM_PATHNAME) == 0 : glob_match(g, path))
            return true;
    }
    return false;
}

bool CompiledRule::matches(const Event& ev, proctable::UserDb& users) const
{
    if (!any_glob(exe_, ev.proc.exe))
        return false;
    if (!users_.empty() && !users_.matches(ev.proc.cred.uid, ev.proc.user, users))
        return false;
    return any_glob(parent_exe_, ev.parent_exe);
}

}  // namespace procsentry::rules
