// SPDX-License-Identifier: GPL-2.0
// How syslog messages leave: a local datagram socket or a TCP stream.  A
// transport connects on first use and after any failure, so that the
// sink's retry backoff is also its reconnect backoff.
#pragma once

#include <string>
#include <string_view>

#include "sinks/fd_write.hpp"

namespace procsentry::sinks {

class SyslogTransport {
public:
    struct SendResult {
        std::string error;     // "" = sent
        bool too_big = false;  // the message exceeds what the peer accepts: shorten it
    };

    virtual ~SyslogTransport() = default;
    // Sends one message (the transport adds its framing), waiting within
    // the budget for connecting and for buffer space.
    virtual SendResult send(std::string_view msg, const TimeLeft& left) = 0;
    virtual void close() = 0;
};

}  // namespace procsentry::sinks
