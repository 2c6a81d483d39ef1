// SPDX-License-Identifier: GPL-2.0
#include "control/ctl_runner.hpp"

#include <json/reader.h>

#include <memory>
#include <string>

#include "control/ctl_client.hpp"
#include "control/ctl_formatter.hpp"

namespace procsentry::control {

using Command = CtlOptions::Command;

int CtlRunner::run(const CtlOptions& opts)
{
    const std::string cmd = CtlOptions::wire_name(opts.command);
    if (cmd.empty()) {
        err_ << "procsentryctl: internal error: no daemon command\n";
        return kUsage;
    }
    CtlClient client;
    if (!client.connect(opts.socket_path)) {
        err_ << "procsentryctl: " << client.error() << '\n';
        return kUnreachable;
    }
    std::string line;
    if (!client.send_line("{\"cmd\":\"" + cmd + "\"}")) {
        // A refused client (not root, too many clients) is answered and
        // closed at once: the reason may be waiting although sending failed.
        const std::string send_error = client.error();
        if (client.read_line(line, 1000) != CtlClient::Status::ok) {
            err_ << "procsentryctl: " << send_error << '\n';
            return kUnreachable;
        }
    } else if (client.read_line(line, opts.command == Command::reload ? timeouts_.reload_ms
                                                                        : timeouts_.reply_ms) !=
               CtlClient::Status::ok) {
        err_ << "procsentryctl: " << client.error() << '\n';
        return kFailed;
    }
    const CtlFormatter::Reply reply = CtlFormatter::parse_reply(line);
    if (!reply.ok) {
        err_ << "procsentryctl: " << cmd << ": " << reply.error << '\n';
        return kFailed;
    }
    switch (opts.command) {
    case Command::status:
    case Command::stats: {
        const Json::Value& v = reply.value[cmd];
        if (opts.json)
            out_ << line << '\n';
        else
            out_ << CtlFormatter::tree(v);
        return kOk;
    }
    case Command::enable:
    case Command::disable:
    case Command::reload:
        out_ << (reply.message.empty() ? cmd + ": done" : reply.message) << '\n';
        return kOk;
    case Command::tail:
        return tail(client);
    default:
        return kUsage;
    }
}

int CtlRunner::tail(CtlClient& client)
{
    Json::CharReaderBuilder rb;
    const std::unique_ptr<Json::CharReader> reader(rb.newCharReader());
    std::string line;
    for (;;) {
        const CtlClient::Status st = client.read_line(line, -1);
        if (st != CtlClient::Status::ok) {
            err_ << "procsentryctl: " << client.error() << '\n';
            return kFailed;
        }
        Json::Value v;
        uint64_t dropped = 0;
        if (reader->parse(line.data(), line.data() + line.size(), &v, nullptr) &&
            CtlFormatter::is_drop_notice(v, dropped)) {
            err_ << "procsentryctl: " << dropped << " alerts dropped (this terminal did not keep up)\n";
            continue;
        }
        // Alert lines are the daemon's JSON, escaped already: passed through.
        out_ << line << '\n' << std::flush;
        if (!out_)
            return kOk;  // stdout closed (tail | head): a normal end
    }
}

}  // namespace procsentry::control
