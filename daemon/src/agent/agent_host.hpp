// SPDX-License-Identifier: GPL-2.0
// What the agent needs from the daemon.  Every call is made on the daemon's
// own loop (the agent posts it there), never from the agent's thread, so the
// daemon's state needs no locks.
#pragma once

#include <cstdint>
#include <string>

#include <json/value.h>

#include "agent/host_report.hpp"

namespace procsentry::agent {

class AgentHost {
public:
    virtual ~AgentHost() = default;
    virtual HostReport report() = 0;
    // Monitoring on/off as procsentryctl enable|disable does (persisted,
    // sensor alert), then `generation` persisted as the one applied.
    virtual bool apply_monitoring(bool enabled, uint64_t generation, std::string& error) = 0;
    // Validates the policy merged into the local configuration and, when it
    // is good, saves and applies it like a reload; otherwise nothing changes.
    virtual bool apply_policy(uint64_t version, const Json::Value& policy, std::string& error) = 0;
};

}  // namespace procsentry::agent
