// SPDX-License-Identifier: GPL-2.0
#include "rules/mitre.hpp"

#include <array>

namespace procsentry::rules::mitre {

namespace {

struct Family {
    std::string_view name;
    std::string_view technique;
};

// Shells are matched exactly: "shred" or "shasum" must not count as "sh".
constexpr std::array<std::string_view, 12> kShells{"sh",  "bash", "dash", "zsh", "ksh",  "ksh93",
                                                   "mksh", "ash", "csh",  "tcsh", "fish", "rbash"};
// Interpreters often carry a version suffix ("python3.11", "perl5.36.0").
constexpr std::array<Family, 10> kVersioned{{{"python", kPython},
                                             {"pypy", kPython},
                                             {"perl", kInterpreter},
                                             {"ruby", kInterpreter},
                                             {"php", kInterpreter},
                                             {"lua", kInterpreter},
                                             {"luajit", kInterpreter},
                                             {"tclsh", kInterpreter},
                                             {"node", kInterpreter},
                                             {"nodejs", kInterpreter}}};

bool version_suffix(std::string_view s)
{
    for (char c : s)
        if ((c < '0' || c > '9') && c != '.')
            return false;
    return true;
}

}  // namespace

std::string_view interpreter_technique(std::string_view basename)
{
    for (auto s : kShells)
        if (basename == s)
            return kUnixShell;
    for (const auto& f : kVersioned)
        if (basename.starts_with(f.name) && version_suffix(basename.substr(f.name.size())))
            return f.technique;
    return {};
}

}  // namespace procsentry::rules::mitre
