// SPDX-License-Identifier: GPL-2.0
// What the control socket asks of the daemon (implemented by app::Daemon,
// faked in tests).  Called on the daemon's event loop.
#pragma once

#include <string>

#include <json/value.h>

namespace procsentry::control {

class ControlHandler {
public:
    virtual ~ControlHandler() = default;
    // status: module ABI, registration, events/s, drops by cause, alerts by
    // severity, sink health, monitoring state, config file and version.
    virtual Json::Value status() = 0;
    virtual Json::Value stats() = 0;  // every counter, for `stats --json`
    // Monitoring on/off on this host, persisted across restarts.
    virtual bool set_enabled(bool on, std::string& message) = 0;
    // Re-reads the configuration; on error the old one stays and message says why.
    virtual bool reload(std::string& message) = 0;
};

}  // namespace procsentry::control
