// SPDX-License-Identifier: GPL-2.0
// Turns one request line of the control protocol into its reply line.  Kept
// apart from the socket so that every malformed request can be tested without
// one: whatever the bytes, the answer is a JSON object, never an exception.
#pragma once

#include <string>
#include <string_view>

#include "control/control_handler.hpp"

namespace procsentry::control {

class CommandDispatcher {
public:
    struct Reply {
        std::string line;         // one JSON object, no trailing newline
        bool start_tail = false;  // the client asked for the alert stream
    };

    explicit CommandDispatcher(ControlHandler& handler) : handler_(handler) {}

    Reply handle(std::string_view request_line);

    // {"ok":false,"error":message} with message escaped (it may quote client bytes).
    static std::string error_line(std::string_view message);

private:
    ControlHandler& handler_;
};

}  // namespace procsentry::control
