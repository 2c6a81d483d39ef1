// SPDX-License-Identifier: GPL-2.0
// What the daemon tells the console in every heartbeat about itself, taken
// on the daemon's loop (AgentHost::report) and turned into the heartbeat
// body of docs/api.md ("Agent protocol") by HeartbeatBody.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <json/value.h>

namespace procsentry::agent {

struct HostIdentity {
    std::string name;        // --hostname, or the kernel's
    std::string machine_id;  // "" when unknown (null in JSON)
    std::string boot_id;
    std::string agent_version;
};

struct HostReport {
    std::string kernel_release;  // uname -r
    std::string module_version;  // "" before the first registration
    std::optional<uint32_t> abi_version;
    std::string sensor_state;    // registered, degraded, disabled, connecting, replay
    std::string sensor_reason;   // "" when none
    bool monitoring_enabled = true;
    uint64_t monitoring_generation = 0;               // the console's, last applied
    std::optional<uint64_t> config_applied_version;   // console policy running, if any
    uint64_t loss_total = 0;
    Json::Value loss_by_cause{Json::objectValue};     // cause -> count
    uint64_t alerts_total = 0;
    Json::Value alerts_by_severity{Json::objectValue};  // severity -> count
    uint64_t uptime_s = 0;
};

}  // namespace procsentry::agent
