// SPDX-License-Identifier: GPL-2.0
// Syslog over TCP with RFC 6587 octet counting ("LEN SP MSG"), so messages
// may contain any byte, newlines included.
//
// TCP syslog has no acknowledgements: a message written just before the
// peer dies is lost without an error.  Before each message the transport
// checks whether the peer already closed its side (a syslog receiver never
// sends), which catches a restarted receiver before anything is written to
// the dead connection.
#pragma once

#include <string>

#include "sinks/syslog_transport.hpp"

namespace procsentry::sinks {

class TcpTransport final : public SyslogTransport {
public:
    // "host:port" or "[v6addr]:port"; throws std::invalid_argument otherwise.
    explicit TcpTransport(const std::string& address);
    ~TcpTransport() override;

    SendResult send(std::string_view msg, const TimeLeft& left) override;
    void close() override;

    const std::string& host() const { return host_; }
    const std::string& port() const { return port_; }

private:
    std::string connect_socket(const TimeLeft& left);  // "" or error
    bool peer_closed();

    std::string host_;
    std::string port_;
    std::string label_;  // for errors: "host:port"
    int fd_ = -1;
};

}  // namespace procsentry::sinks
