// SPDX-License-Identifier: GPL-2.0
// The MITRE ATT&CK technique ids the detector attaches to events.  Kept to
// the few that an event shows on its own; anything needing context an
// event lacks (what a script did, who ran a shell) is left to the analyst.
#pragma once

#include <string_view>

namespace procsentry::rules::mitre {

inline constexpr std::string_view kAbuseElevation = "T1548";      // file capabilities, set*id towards root
inline constexpr std::string_view kSetuidSetgid = "T1548.001";    // set-user-ID root program
inline constexpr std::string_view kExploitation = "T1068";        // creds changed outside every syscall
inline constexpr std::string_view kInterpreter = "T1059";         // perl, ruby, php, node, lua, tcl
inline constexpr std::string_view kUnixShell = "T1059.004";
inline constexpr std::string_view kPython = "T1059.006";
inline constexpr std::string_view kReflectiveLoading = "T1620";   // exec of a memfd (no file on disk)

// T1059 family id for an executable basename ("bash", "python3.11"), or ""
// when it is not a command interpreter.
std::string_view interpreter_technique(std::string_view basename);

}  // namespace procsentry::rules::mitre
