// SPDX-License-Identifier: GPL-2.0
// The JSON bodies the agent sends: enrolment and heartbeat (docs/api.md).
#pragma once

#include <optional>
#include <string>

#include <json/value.h>

#include "agent/host_report.hpp"

namespace procsentry::agent {

// The agent's own view of the last policy it refused.
struct PolicyRejection {
    std::optional<uint64_t> version;
    std::string error;
};

class HeartbeatBody {
public:
    static Json::Value enroll(const HostIdentity& id);
    static Json::Value heartbeat(const HostIdentity& id, const HostReport& r, const PolicyRejection& rejected);
};

}  // namespace procsentry::agent
