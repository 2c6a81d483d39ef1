// SPDX-License-Identifier: GPL-2.0
// procsentryctl's human output.  The daemon decides what status and stats
// contain; this prints whatever keys come, nested by indentation, keys in
// sorted order so that two runs can be diffed.  Strings come from the daemon
// but may quote kernel or /proc data: control bytes are shown as \xNN so they
// cannot drive the terminal.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <json/value.h>

namespace procsentry::control {

class CtlFormatter {
public:
    static std::string tree(const Json::Value& v);
    static std::string printable(std::string_view s);

    // A reply line from the daemon, parsed.
    struct Reply {
        bool parsed = false;  // a JSON object
        bool ok = false;
        std::string error;    // when !ok: the daemon's message, or why it could not be read
        std::string message;  // optional, when ok
        Json::Value value;
    };
    static Reply parse_reply(const std::string& line);

    // A line of the tail stream: an alert (printed as is) or a drop notice.
    static bool is_drop_notice(const Json::Value& v, uint64_t& dropped);
};

}  // namespace procsentry::control
