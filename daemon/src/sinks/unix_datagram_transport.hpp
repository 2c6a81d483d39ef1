// SPDX-License-Identifier: GPL-2.0
// Datagrams to a local syslog socket (/dev/log).  The receiver may restart
// (journald, rsyslog): a send refused because the socket went away or was
// replaced reconnects once at once before giving up to the sink's backoff.
#pragma once

#include <string>

#include "sinks/syslog_transport.hpp"

namespace procsentry::sinks {

class UnixDatagramTransport final : public SyslogTransport {
public:
    explicit UnixDatagramTransport(std::string path);  // throws if the path cannot be a unix address
    ~UnixDatagramTransport() override;

    SendResult send(std::string_view msg, const TimeLeft& left) override;
    void close() override;

private:
    std::string connect_socket();  // "" or error
    const std::string path_;
    int fd_ = -1;
};

}  // namespace procsentry::sinks
