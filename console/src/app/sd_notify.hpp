// SPDX-License-Identifier: GPL-2.0
// The sd_notify(3) datagram protocol without libsystemd: READY=1, STATUS=, STOPPING=1 sent to
// $NOTIFY_SOCKET.  A no-op when not started by systemd.
#pragma once

#include <string>

namespace procsentry::console::app {

class SdNotify {
public:
    SdNotify();  // reads NOTIFY_SOCKET
    bool enabled() const { return !path_.empty(); }
    void ready(const std::string& status);
    void status(const std::string& status);
    void stopping();
    // Returns false when the datagram could not be sent.
    bool send(const std::string& msg);

private:
    std::string path_;
};

}  // namespace procsentry::console::app
