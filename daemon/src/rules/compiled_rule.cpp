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

bool CompiledRule::any_glob(const GlobSet& globs, const std::string& path)
{
    if (globs.empty())
        return true;
    if (path.empty() || path.find('\0') != std::string::npos)
        return false;
    return globs.any(path);
}

bool CompiledRule::matches(const Event& ev, proctable::UserDb& users) const
{
    // A path the kernel could not resolve may be anything, /tmp included:
    // fail closed rather than let a deep directory hide a program.
    if (!(ev.proc.exe_unresolvable && ev.proc.exe.empty()) && !any_glob(exe_, ev.proc.exe))
        return false;
    if (!users_.empty() && !users_.matches(ev.proc.cred.uid, ev.proc.user, users))
        return false;
    return any_glob(parent_exe_, ev.parent_exe);
}

}  // namespace procsentry::rules
