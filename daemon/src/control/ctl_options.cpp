// SPDX-License-Identifier: GPL-2.0
#include "control/ctl_options.hpp"

#include <utility>

namespace procsentry::control {

namespace {

using Command = CtlOptions::Command;

struct Named {
    const char* name;
    Command command;
};

constexpr Named kCommands[] = {
    {"status", Command::status}, {"stats", Command::stats},   {"enable", Command::enable},
    {"disable", Command::disable}, {"reload", Command::reload}, {"tail", Command::tail},
    {"check-config", Command::check_config},
};

}  // namespace

std::string CtlOptions::usage()
{
    return "usage: procsentryctl [--socket PATH] COMMAND\n"
           "commands:\n"
           "  status [--json]       state of procsentryd (module, counters, sinks, config, console)\n"
           "  stats [--json]        every counter of procsentryd\n"
           "  enable | disable      turn monitoring on or off (persists across restarts)\n"
           "  reload                re-read the configuration (the old one stays on error)\n"
           "  tail                  print alerts as JSON lines while they happen\n"
           "  check-config FILE     validate a configuration file (no daemon needed)\n"
           "options:\n"
           "  --socket PATH         control socket (default " +
           std::string(kDefaultSocket) +
           ")\n"
           "exit status: 0 ok, 1 command failed, 2 usage, 3 daemon not reachable\n";
}

std::string CtlOptions::wire_name(Command c)
{
    if (c == Command::check_config)
        return "";
    for (const auto& n : kCommands)
        if (n.command == c)
            return n.name;
    return "";
}

CtlOptions CtlOptions::parse(const std::vector<std::string>& args)
{
    CtlOptions o;
    std::vector<std::string> positional;
    auto fail = [&o](std::string msg) {
        o.error = std::move(msg);
        return o;
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "-h" || a == "--help") {
            o.help = true;
        } else if (a == "--json") {
            o.json = true;
        } else if (a == "--socket") {
            if (i + 1 >= args.size())
                return fail("--socket needs a path");
            o.socket_path = args[++i];
        } else if (a.rfind("--socket=", 0) == 0) {
            o.socket_path = a.substr(9);
        } else if (a == "--") {
            positional.insert(positional.end(), args.begin() + static_cast<long>(i) + 1, args.end());
            break;
        } else if (a.size() > 1 && a[0] == '-') {
            return fail("unknown option " + a);
        } else {
            positional.push_back(a);
        }
    }
    if (o.help)
        return o;
    if (o.socket_path.empty())
        return fail("--socket needs a path");
    if (positional.empty())
        return fail("no command given");
    for (const auto& n : kCommands)
        if (positional[0] == n.name)
            o.command = n.command;
    if (o.command == Command::none)
        return fail("unknown command " + positional[0]);
    const std::size_t want = o.command == Command::check_config ? 2 : 1;
    if (positional.size() < want)
        return fail(positional[0] + " needs a FILE");
    if (positional.size() > want)
        return fail("unexpected argument " + positional[want] + " after " + positional[0]);
    if (o.command == Command::check_config)
        o.config_file = positional[1];
    if (o.json && o.command != Command::status && o.command != Command::stats)
        return fail("--json applies to status and stats only");
    return o;
}

}  // namespace procsentry::control
