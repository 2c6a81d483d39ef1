// SPDX-License-Identifier: GPL-2.0
// The sd_notify(3) datagram protocol, without libsystemd: one send to
// $NOTIFY_SOCKET.  A no-op when not started by systemd.
#pragma once

#include <cstdint>
#include <string>

namespace procsentry::app {

class SdNotify {
public:
    SdNotify();  // reads NOTIFY_SOCKET and WATCHDOG_USEC
    bool enabled() const { return !path_.empty(); }
    void ready(const std::string& status);
    void status(const std::string& status);
    void watchdog();
    void stopping();
    // Half the watchdog interval systemd asked for, in ms; 0 when none.
    uint64_t watchdog_interval_ms() const { return watchdog_ms_; }

private:
    void send(const std::string& msg);
    std::string path_;
    uint64_t watchdog_ms_ = 0;
};

}  // namespace procsentry::app
