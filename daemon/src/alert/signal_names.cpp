// SPDX-License-Identifier: GPL-2.0
#include "alert/signal_names.hpp"

#include <array>
#include <string_view>

namespace procsentry::alert {

namespace {

// Linux numbering on x86, arm64, riscv and the other "generic" ABIs (alpha,
// mips, parisc and sparc differ; the sensor does not support them).
constexpr std::array<std::string_view, 32> kNames{
    "",        "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",    "SIGTRAP", "SIGABRT",  "SIGBUS",
    "SIGFPE",  "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2",   "SIGPIPE", "SIGALRM",  "SIGTERM",
    "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP",   "SIGTTIN", "SIGTTOU",  "SIGURG",
    "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH",  "SIGIO",   "SIGPWR",   "SIGSYS",
};
constexpr uint32_t kRtMin = 32;
constexpr uint32_t kRtMax = 64;

}  // namespace

std::string signal_name(uint32_t sig)
{
    if (sig > 0 && sig < kNames.size())
        return std::string(kNames[sig]);
    if (sig >= kRtMin && sig <= kRtMax)
        return sig == kRtMin ? "SIGRTMIN" : "SIGRTMIN+" + std::to_string(sig - kRtMin);
    return "SIG" + std::to_string(sig);
}

}  // namespace procsentry::alert
