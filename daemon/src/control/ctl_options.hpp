// SPDX-License-Identifier: GPL-2.0
// Command line of procsentryctl:
//   procsentryctl [--socket PATH] status|stats [--json] | enable | disable |
//                 reload | tail | check-config FILE
#pragma once

#include <string>
#include <vector>

namespace procsentry::control {

struct CtlOptions {
    enum class Command { none, status, stats, enable, disable, reload, tail, check_config };

    static constexpr const char* kDefaultSocket = "/run/procsentry/control.sock";

    Command command = Command::none;
    std::string socket_path = kDefaultSocket;
    std::string config_file;  // check-config
    bool json = false;        // status, stats: the daemon's JSON as it came
    bool help = false;
    std::string error;        // usage error; empty when the line parsed

    // argv without the program name.
    static CtlOptions parse(const std::vector<std::string>& args);
    static std::string usage();
    // The wire name of a daemon command ("status", ...); "" for local ones.
    static std::string wire_name(Command c);
};

}  // namespace procsentry::control
