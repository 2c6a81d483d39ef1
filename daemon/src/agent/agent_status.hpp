// SPDX-License-Identifier: GPL-2.0
// The agent's side of `procsentryctl status` (the `console` block).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <json/value.h>

namespace procsentry::agent {

struct AgentStatus {
    std::string url;
    std::optional<int64_t> host_id;
    bool enrolled = false;
    bool connected = false;  // the last exchange with the console worked
    // enrolling, connected, retrying, stopped (401: not retried)
    std::string state = "starting";
    int64_t last_contact_ns = 0;  // wall clock of the last answer, 0: never
    std::string last_error;
    std::optional<uint64_t> rejected_version;  // last policy refused, and why
    std::string rejected_error;
    uint64_t heartbeats = 0;  // answered

    Json::Value to_json() const;
};

}  // namespace procsentry::agent
