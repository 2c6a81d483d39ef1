// SPDX-License-Identifier: GPL-2.0
// procsentryd's command line.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace procsentry::app {

struct Options {
    std::string config = "/etc/procsentry/procsentry.json";
    std::string state_dir = "/var/lib/procsentry";
    std::string socket = "/run/procsentry/control.sock";
    std::string proc_root = "/proc";
    std::string passwd = "/etc/passwd";
    std::string group = "/etc/group";
    std::string cgroup_root = "/sys/fs/cgroup";
    // Records from a file (procsentry-dump --record) instead of the module;
    // the daemon exits once the file is processed and sinks are flushed.
    std::optional<std::string> replay;
    // With replay: keep reading as the file grows (tail -f), waiting for it
    // to appear, until SIGTERM/SIGINT (--replay-follow FILE).
    bool replay_follow = false;
    // Reported host name (alerts, console heartbeats) instead of the kernel's.
    std::optional<std::string> hostname;
    bool seed_proc = true;  // off by default with --replay
    bool check_only = false;  // validate the configuration and exit
};

struct ParseResult {
    bool ok = false;
    bool help = false;
    std::string error;
    Options options;
};

ParseResult parse_options(const std::vector<std::string>& args);
std::string usage();

}  // namespace procsentry::app
