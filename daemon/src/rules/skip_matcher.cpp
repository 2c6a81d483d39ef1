// SPDX-License-Identifier: GPL-2.0
#include "rules/skip_matcher.hpp"

#include "rules/path_match.hpp"

namespace procsentry::rules {

SkipMatcher::SkipMatcher(const SkipSpec& spec) : users_(spec.users)
{
    for (const auto& c : spec.commands) {
        if (c.empty())
            continue;
        if (c.front() == '/')
            exact_.push_back(normalize_path(c));
        else if (c.find('/') == std::string::npos)
            basenames_.push_back(c);
        // A relative path with a '/' names nothing certain: never skips.
    }
    for (const auto& d : spec.paths)
        if (!d.empty() && d.front() == '/')
            dirs_.push_back(normalize_path(d));
}

bool SkipMatcher::skips_exe(const ProcessInfo& p) const
{
    const std::string& exe = p.exe;
    // path_under() refuses paths that are not absolute and normalised; the
    // same guard protects the equality tests below.
    if (!p.exe_trusted || exe.empty() || exe.front() != '/' || exe.find('\0') != std::string::npos ||
        !is_normalized_path(exe))
        return false;
    if (!basenames_.empty()) {
        const auto base = path_basename(exe);
        for (const auto& b : basenames_)
            if (base == b)
                return true;
    }
    for (const auto& e : exact_)
        if (exe == e)
            return true;
    // exe is checked above and dirs_ were normalised when compiled, so
    // path_under()'s checks reduce to a prefix on a component boundary.
    for (const auto& d : dirs_)
        if (d == "/" || (exe.size() >= d.size() && exe.compare(0, d.size(), d) == 0 &&
                         (exe.size() == d.size() || exe[d.size()] == '/')))
            return true;
    return false;
}

bool SkipMatcher::skips(const Event& ev, proctable::UserDb& users) const
{
    if (skips_exe(ev.proc))
        return true;
    return !users_.empty() && users_.matches(ev.proc.cred.uid, ev.proc.user, users);
}

}  // namespace procsentry::rules
